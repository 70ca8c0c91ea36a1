"""Survey entry: find a resolved feedback, see its context, enter the customer's score; or
upload a survey tool's results."""

from datetime import UTC, datetime

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from feedback_analytics import privacy, store, surveys, ui
from feedback_analytics.db import Feedback
from feedback_analytics.i18n import format_datetime, t
from feedback_analytics.ingest import FileResult
from feedback_analytics.ui import importing

lang = ui.current_language()
viewer = ui.require_viewer()
engine = ui.get_engine()
tz = ui.settings().tz
st.title(t("survey.title", lang))
st.caption(t("survey.intro", lang))


def refusal(exc: surveys.SurveyRefused) -> str:
    """Return why a response was refused, in the page's language (its values escaped)."""
    params = ui.escape_values(
        {k: v for k, v in exc.params.items() if k != "status" and not isinstance(v, datetime)}
    )
    for k, v in exc.params.items():
        if isinstance(v, datetime):
            params[k] = format_datetime(v, lang, tz=tz)
    if "status" in exc.params:
        params["status"] = t(f"status.{exc.params['status']}", lang)
    return t(f"survey.refused.{exc.code}", lang, **params)


def option_label(feedback_id: int, matches: pd.DataFrame, contacts: dict[int, dict]) -> str:
    """Return how the list of matches names one feedback: number, id, channel, date, customer."""
    found = matches.loc[feedback_id]
    contact = contacts.get(feedback_id, {})
    who = contact.get("customer_name") or contact.get("customer_phone") or ""
    parts = [
        f"#{feedback_id}",
        str(found["external_id"]),
        t(f"channel.{found['channel']}", lang),
        format_datetime(found["received_at"], lang, tz=tz),
        t(f"status.{found['status']}", lang),
        who,
    ]
    return " · ".join(part for part in parts if part)


enter_tab, upload_tab = st.tabs([t("survey.enter_tab", lang), t("survey.upload_tab", lang)])

with enter_tab:
    linked = st.query_params.get("id", "")
    query = st.text_input(
        t("survey.search", lang),
        value=linked,
        placeholder=t("survey.search_placeholder", lang),
        key="survey_query",
    )
    with Session(engine) as session:
        ids = surveys.find_feedback(session, query)
        found = store.records_by_id(session, ids)
        contacts = privacy.record_contacts(session, ids, viewer.role)
    if not query.strip():
        st.info(t("survey.waiting", lang), icon=":material/search:")
    elif not ids:
        st.warning(
            t("survey.no_match", lang, query=ui.escape_markdown(query.strip())),
            icon=":material/search_off:",
        )
    else:
        found.index = ids
        chosen = st.selectbox(
            t("survey.match", lang, count=len(ids)),
            ids,
            format_func=lambda i: option_label(i, found, contacts),
            key="survey_pick",
        )
        record = privacy.for_viewer(found.loc[[chosen]], viewer.role)
        ui.show_table(
            record[
                [
                    "external_id",
                    "channel",
                    "received_at",
                    "product",
                    "category",
                    "status",
                    "resolved_at",
                    "responded_at",
                ]
            ],
            lang,
        )
        for name in ("current_feature", "proposal", "reason"):
            text = record.iloc[0][name]
            if isinstance(text, str) and text:
                st.caption(t(f"field.{name}", lang))
                st.text(text)
        with Session(engine) as session:
            existing = surveys.stored_response(session, chosen)
            feedback = session.get(Feedback, chosen)
            surveyable = feedback is not None and surveys.is_surveyable(feedback)
        replace = False
        if existing is not None and existing.score is not None:
            st.info(
                t(
                    "survey.existing",
                    lang,
                    score=existing.score,
                    when=format_datetime(existing.surveyed_at, lang, tz=tz),
                    who=ui.escape_markdown(existing.entered_by or ""),
                ),
                icon=":material/reviews:",
            )
            if existing.comment:
                st.text(privacy.text_for_viewer(existing.comment, viewer.role))
            replace = st.checkbox(t("survey.replace", lang), key=f"survey_replace_{chosen}")
        if not surveyable:
            status = t(f"status.{found.loc[chosen, 'status']}", lang)
            st.warning(
                t(
                    "survey.refused.unresolved",
                    lang,
                    external_id=ui.escape_markdown(found.loc[chosen, "external_id"]),
                    status=status,
                ),
                icon=":material/block:",
            )
        elif existing is None or existing.score is None or replace:
            now = datetime.now(tz)
            with st.form(f"survey_form_{chosen}", clear_on_submit=False):
                score = st.number_input(
                    t("survey.score", lang),
                    value=None,
                    step=1,
                    placeholder=t("survey.score_placeholder", lang),
                    help=t("survey.score_help", lang),
                )
                comment = st.text_area(
                    t("survey.comment", lang), max_chars=ui.settings().max_text_chars
                )
                day_column, time_column = st.columns(2)
                day = day_column.date_input(
                    t("survey.day", lang),
                    value=now.date(),
                    max_value=now.date(),
                    format="DD/MM/YYYY",
                )
                moment = time_column.time_input(t("survey.time", lang), value=now.time(), step=60)
                submitted = st.form_submit_button(
                    t("survey.save", lang), type="primary", icon=":material/save:"
                )
            if submitted and score is None:
                st.error(t("survey.refused.empty", lang), icon=":material/error:")
            elif submitted:
                when = datetime.combine(day, moment, tzinfo=tz).astimezone(UTC)
                try:
                    with Session(engine) as session, session.begin():
                        surveys.enter_response(
                            session,
                            chosen,
                            score=int(score) if float(score).is_integer() else score,
                            comment=comment,
                            surveyed_at=when,
                            actor=viewer.actor,
                            replace=replace,
                        )
                except surveys.SurveyRefused as exc:
                    st.error(refusal(exc), icon=":material/error:")
                else:
                    ui.clear_cached_data()
                    st.success(
                        t(
                            "survey.saved",
                            lang,
                            external_id=ui.escape_markdown(found.loc[chosen, "external_id"]),
                        ),
                        icon=":material/task_alt:",
                    )

with upload_tab:
    st.caption(t("survey.upload_intro", lang))
    file_column, encoding_column = st.columns([3, 1])
    uploaded = file_column.file_uploader(
        t("survey.upload_file", lang), type=list(importing.FILE_TYPES), key="survey_file"
    )
    encoding = encoding_column.selectbox(
        t("import.encoding", lang),
        importing.ENCODINGS,
        format_func=lambda name: importing.encoding_label(name, lang),
        key="survey_encoding",
    )
    replace_all = st.checkbox(t("survey.replace_all", lang), key="survey_replace_all")
    upload = importing.upload_of(uploaded, encoding)
    if upload is not None:
        key = f"{upload.key}:{replace_all}"
        done = st.session_state.get("survey_imported")
        if done is not None and done[0] == key:
            st.success(t("import.done", lang), icon=":material/task_alt:")
            importing.show_counts(done[1], lang, importing.RESULT_LABELS)
            importing.show_rejections(done[1], upload, lang, key="survey_rejections_after")
            st.stop()

        def run(dry_run: bool) -> FileResult:
            outcome = importing.run(
                upload, lang, dry_run=dry_run, surveys=True, replace=replace_all
            )
            assert outcome.result is not None  # set unless a preview is asked for
            return outcome.result.files[0]

        kept = st.session_state.get("survey_checked")
        if kept is None or kept[0] != key:
            with st.spinner(t("import.checking", lang)):
                kept = (key, run(dry_run=True))
            st.session_state["survey_checked"] = kept
        checked = kept[1]
        importing.show_check(checked, upload, lang, key="survey_rejections_check")
        if checked.inserted + checked.updated and st.button(
            t("survey.upload_run", lang),
            type="primary",
            key="survey_run",
            icon=":material/publish:",
        ):
            st.session_state["survey_imported"] = (key, run(dry_run=False))
            st.session_state.pop("survey_checked", None)
            ui.clear_cached_data()
            st.rerun()
