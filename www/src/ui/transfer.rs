//! Export and import of connections as a JSON file (the same document `localStorage` keeps).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::state::Conn;
use super::storage;
use super::t;
use crate::i18n::tr;
use crate::model::SavedApp;

/// Offers the connections as `wasmqtt-connections.json` for download, passwords left out
/// unless `with_passwords`.
fn export(conns: &[Conn], with_passwords: bool) -> Result<(), String> {
    let json = storage::snapshot(conns).for_export(with_passwords).to_json();
    let parts = js_sys::Array::of1(&json.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser refused to make the file".to_owned())?;
    let url =
        web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "no object URL".to_owned())?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let link: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(|_| "no link")?.dyn_into().map_err(|_| "no link")?;
    link.set_href(&url);
    link.set_download("wasmqtt-connections.json");
    link.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

#[component]
pub(super) fn Transfer(
    conns: RwSignal<Vec<Conn>>,
    next_id: StoredValue<u32>,
    owner: StoredValue<Owner>,
) -> impl IntoView {
    let message = RwSignal::new(None::<String>);
    let lang = super::lang();
    let with_passwords = RwSignal::new(false);
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
        input.set_value("");
        wasm_bindgen_futures::spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
            let text = text.ok().and_then(|t| t.as_string()).unwrap_or_default();
            match SavedApp::from_json(&text) {
                Ok(saved) => {
                    let count = saved.connections.len();
                    let added: Vec<Conn> = saved
                        .connections
                        .into_iter()
                        .map(|c| {
                            let id = next_id.get_value();
                            next_id.set_value(id + 1);
                            owner.with_value(|o| o.with(|| storage::restore(id, c)))
                        })
                        .collect();
                    conns.update(|list| list.extend(added));
                    let noun = if count == 1 { "connection" } else { "connections" };
                    let l = lang.get_untracked();
                    let text = format!("{} {count} {}", tr(l, "Imported"), tr(l, noun));
                    let _ = message.try_set(Some(text));
                }
                Err(e) => {
                    let _ = message.try_set(Some(e));
                }
            }
        });
    };
    view! {
        <div class="transfer">
            <button on:click=move |_| {
                let with = with_passwords.get_untracked();
                if let Err(e) = conns.with_untracked(|list| export(list, with)) { message.set(Some(e)) }
            }>{t("Export")}</button>
            <label class="check">
                <input type="checkbox" prop:checked=move || with_passwords.get()
                    on:change=move |ev| with_passwords.set(event_target_checked(&ev)) />
                {t("with passwords")}
            </label>
            <label class="import">{t("Import")}
                <input type="file" accept="application/json,.json" aria-label=t("Import") on:change=on_file />
            </label>
        </div>
        <p class="transfer-message" role="status" hidden=move || message.with(Option::is_none)>{move || message.get()}</p>
    }
}
