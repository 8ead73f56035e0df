//! The gettext files under `po/`: `messages.pot`, every message of the English pages, made by
//! `cargo xtask translate`; `LANG.po`, a translation, kept in step with it by `msgmerge`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use polib::catalog::Catalog;
use polib::message::{Message, MessageMutView, MessageView};
use polib::metadata::CatalogMetadata;

use super::extract::Message as Source;

/// The folder of the translations, beside `book/`.
pub fn po_dir(root: &Path) -> PathBuf {
    root.join("po")
}

/// The template: one entry per distinct message, with every place it comes from. No date in
/// the header, so that the same pages always give the same file.
pub fn template(messages: &[Source], title: &str) -> Catalog {
    let mut metadata = CatalogMetadata::new();
    metadata.project_id_version = title.to_owned();
    metadata.mime_version = "1.0".to_owned();
    metadata.content_type = "text/plain; charset=UTF-8".to_owned();
    metadata.content_transfer_encoding = "8bit".to_owned();
    let mut catalog = Catalog::new(metadata);
    for m in messages {
        let here = format!("{}:{}", m.file, m.line);
        let source = match catalog.find_message(None, &m.msgid, None) {
            Some(old) => format!("{}\n{here}", old.source()),
            None => here,
        };
        let message = Message::build_singular()
            .with_source(source)
            .with_msgid(m.msgid.clone())
            .done();
        catalog.append_or_update(message);
    }
    for mut message in catalog.messages_mut() {
        let wrapped = mdbook_i18n_helpers::wrap_sources(message.source());
        *message.source_mut() = wrapped;
    }
    catalog
}

/// Reads a `.po` or `.pot` file.
pub fn load(path: &Path) -> Result<Catalog> {
    polib::po_file::parse(path)
        .map_err(|e| anyhow!("{e}"))
        .with_context(|| format!("cannot read {} as a gettext file", path.display()))
}

/// Writes a catalog.
pub fn write(catalog: &Catalog, path: &Path) -> Result<()> {
    polib::po_file::write(catalog, path).with_context(|| format!("cannot write {}", path.display()))
}
