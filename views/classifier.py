"""Classifier: quality per category, the confusion matrix, the models; retrain and activate."""

import streamlit as st

from feedback_analytics import charts, tables, ui
from feedback_analytics.classify import service
from feedback_analytics.i18n import format_datetime, format_number, t
from feedback_analytics.ui import classifier

lang = ui.current_language()
tz = ui.settings().tz
st.title(t("model.title", lang))
training = classifier.training_to_follow(lang)
done = st.session_state.pop(classifier.MESSAGE, None)
if done:
    st.success(done, icon=":material/check:")
problem = st.session_state.pop(classifier.PROBLEM, None)
if problem:
    st.error(problem, icon=":material/error:")
notice = st.session_state.pop(classifier.NOTICE, None)
if notice:
    st.info(notice, icon=":material/block:")

models = classifier.model_history()
by_version = {row.version: row for row in models}
active = next((row for row in models if row.active), None)


def pct(value: float | None) -> str:
    return tables.format_share(value, lang)


if active is None:
    st.info(t("classifier.no_model", lang), icon=":material/model_training:")
else:
    used = classifier.active_version()
    if used != active.version:
        key = "model.stand_in" if used else "model.unusable"
        versions = ui.escape_values({"broken": active.version, "used": used})
        st.error(t(key, lang, **versions), icon=":material/error:")
    st.write(
        t(
            "model.active",
            lang,
            version=ui.escape_markdown(active.version),
            when=format_datetime(active.created_at, lang, tz=tz),
            n=format_number(active.n_train, lang),
            labels=len(active.labels),
        )
    )
    criterion = classifier.criterion_text(active, lang)
    if criterion:
        st.caption(criterion)
    accuracy, macro, weighted = st.columns(3)
    accuracy.metric(t("column.accuracy", lang), pct(active.metrics["accuracy"]))
    macro.metric(t("column.macro_f1", lang), pct(active.metrics["macro_f1"]))
    reviews = classifier.corrections(active.version)
    weighted.metric(t("column.corrected_f1", lang), pct(reviews["macro_f1"]))
    st.subheader(t("model.quality", lang))
    st.caption(t("model.quality_help", lang))
    ui.show_table(tables.quality_table(active.metrics, reviews, lang), lang)
    thin = tables.thinly_labelled(active.metrics)
    if thin:
        few = t(
            "model.few_labels",
            lang,
            minimum=tables.MIN_TRUSTED_LABELS,
            count=len(thin),
            all=len(active.metrics["per_label"]),
            categories=", ".join(ui.escape_markdown(label) for label in thin),
        )
        st.warning(few, icon=":material/warning:")
    if reviews["n"] == 0:
        st.caption(t("model.no_reviews", lang))
    st.plotly_chart(
        charts.confusion_figure(active.metrics["labels"], active.metrics["confusion"], lang),
        key="confusion",
    )

st.subheader(t("model.retrain", lang))
st.caption(t("model.retrain_help", lang))


@st.fragment(run_every=1)
def training_progress(run_id: int) -> None:
    """The run's progress, read again every second (other sessions and pages run meanwhile)."""
    run = classifier.run_status(run_id)
    if not run.running:
        st.rerun()  # the whole page: what came of it, the new model in the tables
    st.progress(run.fraction, text=classifier.progress_text(run, lang))
    started = format_datetime(run.started_at, lang, tz=tz)
    st.caption(t("model.training_by", lang, who=ui.escape_markdown(run.started_by), when=started))
    cancelling = run.cancel_requested
    if not cancelling and st.button(t("model.training_cancel", lang), key="training_cancel"):
        classifier.cancel_training(run.id)
        cancelling = True
    if cancelling:
        st.caption(t("model.training_cancelling", lang))


if training is not None:
    training_progress(training.id)
elif st.button(t("model.retrain", lang), key="retrain"):
    if classifier.start_training():
        st.rerun()
    st.error(t("model.training_busy", lang), icon=":material/error:")

new_version = st.session_state.get("model_new")
if new_version in by_version and by_version[new_version] is not active:
    st.subheader(t("model.compare", lang))
    new = by_version[new_version]
    st.dataframe(tables.model_comparison_table(new, active, lang), hide_index=True)

st.subheader(t("model.history", lang))
if models:
    ui.show_table(tables.model_history_table(models, lang), lang)
    inactive = [row.version for row in models if not row.active]
    if inactive:
        default = inactive.index(new_version) if new_version in inactive else 0
        chosen = st.selectbox(t("model.pick", lang), inactive, index=default, key="model_pick")
        if st.button(t("model.activate", lang), key="activate", type="primary"):
            service.activate(ui.get_engine(), chosen, actor=ui.require_viewer().actor)
            result = service.classify_store(
                ui.get_engine(), threshold=ui.settings().review_threshold
            )
            ui.clear_cached_data()
            st.session_state.pop("model_new", None)
            st.session_state["model_message"] = t(
                "model.activated",
                lang,
                version=ui.escape_markdown(chosen),
                classified=format_number(result.classified, lang),
                to_review=format_number(result.to_review, lang),
            )
            st.rerun()
