"""Classifier: quality per category, the confusion matrix, the models; retrain and activate."""

import pandas as pd
import streamlit as st

from feedback_analytics import charts, ui
from feedback_analytics.classify import service
from feedback_analytics.classify.recipe import TooFewExamples
from feedback_analytics.i18n import format_datetime, format_number, format_percent, t
from feedback_analytics.ui import classifier

lang = ui.current_language()
tz = ui.settings().tz
st.title(t("model.title", lang))
done = st.session_state.pop("model_message", None)
if done:
    st.success(done, icon=":material/check:")

models = classifier.model_history()
by_version = {row.version: row for row in models}
active = next((row for row in models if row.active), None)


def pct(value: float | None) -> str:
    return format_percent(value, lang, decimals=1)


def quality_table(metrics: dict, reviews: dict) -> pd.DataFrame:
    rows = []
    for label, figures in metrics["per_label"].items():
        reviewed = reviews["per_label"].get(label, {})
        rows.append(
            {
                "label": label,
                "precision": pct(figures["precision"]),
                "recall": pct(figures["recall"]),
                "f1": pct(figures["f1"]),
                "support": figures["support"],
                "corrected_f1": pct(reviewed.get("f1")) if reviewed.get("support") else "—",
                "reviewed": int(reviewed.get("support", 0)),
            }
        )
    return pd.DataFrame(rows)


if active is None:
    st.info(t("classifier.no_model", lang), icon=":material/model_training:")
else:
    used = classifier.active_version()
    if used != active.version:
        key = "model.stand_in" if used else "model.unusable"
        st.error(t(key, lang, broken=active.version, used=used), icon=":material/error:")
    st.write(
        t(
            "model.active",
            lang,
            version=active.version,
            when=format_datetime(active.created_at, lang, tz=tz),
            n=format_number(active.n_train, lang),
            labels=len(active.labels),
        )
    )
    accuracy, macro, weighted = st.columns(3)
    accuracy.metric(t("column.accuracy", lang), pct(active.metrics["accuracy"]))
    macro.metric(t("column.macro_f1", lang), pct(active.metrics["macro_f1"]))
    reviews = classifier.corrections(active.version)
    weighted.metric(t("column.corrected_f1", lang), pct(reviews["macro_f1"]))
    st.subheader(t("model.quality", lang))
    st.caption(t("model.quality_help", lang))
    ui.show_table(quality_table(active.metrics, reviews), lang)
    if reviews["n"] == 0:
        st.caption(t("model.no_reviews", lang))
    st.plotly_chart(
        charts.confusion_figure(active.metrics["labels"], active.metrics["confusion"], lang),
        key="confusion",
    )

st.subheader(t("model.retrain", lang))
st.caption(t("model.retrain_help", lang))
if st.button(t("model.retrain", lang), key="retrain"):
    bar = st.progress(0, text=t("model.training", lang, percent=0))

    def progress(done: int, total: int) -> None:
        percent = round(100 * done / total)
        bar.progress(percent / 100, text=t("model.training", lang, percent=percent))

    try:
        result = service.train_model(
            ui.get_engine(), created_by=ui.require_viewer().actor, activate=False, progress=progress
        )
    except TooFewExamples as exc:
        st.error(t("model.refused", lang, reason=str(exc)))
    else:
        st.session_state["model_new"] = result.version
        st.session_state["model_message"] = t(
            "model.trained",
            lang,
            version=result.version,
            accuracy=pct(result.metrics["accuracy"]),
            macro_f1=pct(result.metrics["macro_f1"]),
        )
        st.rerun()

new_version = st.session_state.get("model_new")
if new_version in by_version and by_version[new_version] is not active:
    st.subheader(t("model.compare", lang))
    new = by_version[new_version]
    rows = []
    for key in ("accuracy", "macro_f1", "weighted_f1"):
        rows.append(
            {
                t("model.figure", lang): t(f"column.{key}", lang)
                if key != "weighted_f1"
                else "weighted-F1",
                t("model.new", lang): pct(new.metrics[key]),
                t("model.current", lang): pct(active.metrics[key]) if active else "—",
            }
        )
    rows.append(
        {
            t("model.figure", lang): t("column.n_train", lang),
            t("model.new", lang): format_number(new.n_train, lang),
            t("model.current", lang): format_number(active.n_train, lang) if active else "—",
        }
    )
    st.dataframe(pd.DataFrame(rows), hide_index=True)

st.subheader(t("model.history", lang))
if models:
    history = pd.DataFrame(
        [
            {
                "version": row.version,
                "created_at": pd.Timestamp(row.created_at),
                "created_by": row.created_by,
                "n_train": row.n_train,
                "n_labels": len(row.labels),
                "accuracy": pct(row.metrics["accuracy"]),
                "macro_f1": pct(row.metrics["macro_f1"]),
                "active": "✓" if row.active else "",
            }
            for row in models
        ]
    )
    ui.show_table(history, lang)
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
                version=chosen,
                classified=format_number(result.classified, lang),
                to_review=format_number(result.to_review, lang),
            )
            st.rerun()
