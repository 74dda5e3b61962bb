//! App settings: the colour theme (light, dark, or the system's), kept across reloads.

use leptos::prelude::*;

const THEME_KEY: &str = "wasmqtt.theme";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Puts `theme` ("light", "dark" or "system") on `<html data-theme>`, where the stylesheet
/// picks it up.
fn apply(theme: &str) {
    let root = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element());
    if let Some(root) = root {
        let _ = root.set_attribute("data-theme", theme);
    }
}

/// The saved theme applied at start-up.
pub(super) fn apply_saved_theme() {
    let theme = storage().and_then(|s| s.get_item(THEME_KEY).ok().flatten());
    apply(theme.as_deref().unwrap_or("system"));
}

#[component]
pub(super) fn Settings() -> impl IntoView {
    let theme = RwSignal::new(
        storage()
            .and_then(|s| s.get_item(THEME_KEY).ok().flatten())
            .unwrap_or_else(|| "system".into()),
    );
    let choose = move |value: String| {
        apply(&value);
        if let Some(s) = storage() {
            let _ = s.set_item(THEME_KEY, &value);
        }
        theme.set(value);
    };
    view! {
        <div class="settings" role="group" aria-label="Settings">
            <label>"Theme"
                <select aria-label="Theme" prop:value=move || theme.get() on:change=move |ev| choose(event_target_value(&ev))>
                    <option value="system">"System"</option>
                    <option value="light">"Light"</option>
                    <option value="dark">"Dark"</option>
                </select>
            </label>
        </div>
    }
}
