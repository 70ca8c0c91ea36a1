"""Import: upload a feedback file (canonical records or a channel file: e-mails, a hotline call
log, a web form export), see its preview and row-by-row check, then import it."""

import streamlit as st

from feedback_analytics import ui
from feedback_analytics.i18n import format_number, t
from feedback_analytics.ingest import KINDS
from feedback_analytics.ui import importing

lang = ui.current_language()

st.title(t("import.title", lang))
st.write(t("import.intro", lang))

file_column, kind_column, encoding_column = st.columns([3, 2, 1])
uploaded = file_column.file_uploader(
    t("import.file", lang),
    type=list(importing.IMPORT_FILE_TYPES),
    help=t("import.file_help", lang),
    key="import_file",
    on_change=importing.follow_extension,
    args=("import_file", "import_kind"),
)
kind = kind_column.selectbox(
    t("import.kind", lang),
    KINDS,
    format_func=lambda name: importing.kind_label(name, lang),
    help=t("import.kind_help", lang),
    key="import_kind",
)
encoding = encoding_column.selectbox(
    t("import.encoding", lang),
    importing.ENCODINGS,
    format_func=lambda name: importing.encoding_label(name, lang),
    help=t("import.encoding_help", lang),
    key="import_encoding",
)

upload = importing.upload_of(uploaded, encoding, kind)
if upload is None:
    st.info(t("import.waiting", lang), icon=":material/upload_file:")
    st.stop()

done = importing.imported(upload)
if done is not None:
    st.success(t("import.done", lang), icon=":material/task_alt:")
    st.text(upload.name)
    st.header(t("import.result", lang))
    importing.show_counts(done, lang, importing.RESULT_LABELS)
    importing.show_rejections(done, upload, lang, key="import_rejections_after")
    st.info(t("import.next", lang), icon=":material/info:")
    st.stop()

examined = importing.examine(upload, lang)
if examined.preview is None or examined.result is None:
    st.error(t("import.unreadable", lang), icon=":material/error:")
    st.code(examined.unreadable, language=None, wrap_lines=True)
    st.stop()
st.header(t("import.preview", lang))
caption = "import.preview_caption" if upload.kind == "records" else "import.preview_converted"
st.caption(t(caption, lang, rows=format_number(len(examined.preview), lang)))
ui.show_raw_table(examined.preview)

st.header(t("import.check", lang))
checked = examined.result.files[0]
importing.show_check(checked, upload, lang, key="import_rejections_check")

if checked.inserted + checked.updated + checked.unchanged == 0:
    st.info(t("import.nothing_valid", lang), icon=":material/block:")
    st.stop()
if st.button(t("import.run", lang), type="primary", key="import_run", icon=":material/publish:"):
    importing.import_with_progress(upload, lang)
    st.rerun()
