//! App settings: the colour theme (light, dark, or the system's), the language (English or
//! Chinese), resubscribing, reconnect attempts and the messages a connection keeps; all kept
//! across reloads.

use leptos::prelude::*;

use super::state::Conn;
use super::t;
use crate::app_settings::AppSettings;
use crate::i18n::Lang;

const THEME_KEY: &str = "wasmqtt.theme";
const LANG_KEY: &str = "wasmqtt.lang";
const SETTINGS_KEY: &str = "wasmqtt.settings";

thread_local! {
    /// The app-wide settings, read where a connection starts (no view at hand there).
    static CURRENT: std::cell::RefCell<AppSettings> = std::cell::RefCell::new(AppSettings::from_json(
        storage().and_then(|s| s.get_item(SETTINGS_KEY).ok().flatten()).as_deref(),
    ));
}

/// The app-wide settings as they are now.
pub(super) fn current() -> AppSettings {
    CURRENT.with(|c| c.borrow().clone())
}

/// Changes the app-wide settings and saves them.
fn change(update: impl FnOnce(&mut AppSettings)) -> AppSettings {
    let changed = CURRENT.with(|c| {
        update(&mut c.borrow_mut());
        c.borrow().clone()
    });
    if let Some(s) = storage() {
        let _ = s.set_item(SETTINGS_KEY, &changed.to_json());
    }
    changed
}

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

/// The language chosen before, else the browser's when it prefers Chinese, else English.
pub(super) fn saved_lang() -> Lang {
    let saved = storage().and_then(|s| s.get_item(LANG_KEY).ok().flatten());
    let browser = || web_sys::window()?.navigator().language();
    match saved.as_deref().and_then(Lang::from_tag) {
        Some(lang) => lang,
        None if browser().is_some_and(|l| l.starts_with("zh")) => Lang::Zh,
        None => Lang::En,
    }
}

/// Puts `lang` on `<html lang>`, for screen readers, fonts and the browser's translator.
pub(super) fn apply_lang(lang: Lang) {
    let root = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element());
    if let Some(root) = root {
        let _ = root.set_attribute("lang", lang.tag());
    }
}

#[component]
pub(super) fn Settings(conns: RwSignal<Vec<Conn>>) -> impl IntoView {
    let lang = super::lang();
    let app = RwSignal::new(current());
    let set_app = move |update: Box<dyn FnOnce(&mut AppSettings)>| {
        let changed = change(update);
        // A new limit applies to every connection at once.
        let limit = changed.message_limit as usize;
        conns.with_untracked(|list| list.iter().for_each(|c| c.log.update(|l| l.set_cap(limit))));
        app.set(changed);
    };
    let number = move |ev: leptos::ev::Event| event_target_value(&ev).trim().parse::<u32>().ok();
    let choose_lang = move |tag: String| {
        let chosen = Lang::from_tag(&tag).unwrap_or_default();
        apply_lang(chosen);
        if let Some(s) = storage() {
            let _ = s.set_item(LANG_KEY, chosen.tag());
        }
        lang.set(chosen);
    };
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
        <div class="settings" role="group" aria-label=t("Settings")>
            <label>{t("Theme")}
                <select aria-label=t("Theme") prop:value=move || theme.get() on:change=move |ev| choose(event_target_value(&ev))>
                    <option value="system">{t("System")}</option>
                    <option value="light">{t("Light")}</option>
                    <option value="dark">{t("Dark")}</option>
                </select>
            </label>
            <label class="check">
                <input type="checkbox" prop:checked=move || app.with(|a| a.auto_resubscribe)
                    on:change=move |ev| { let on = event_target_checked(&ev); set_app(Box::new(move |a| a.auto_resubscribe = on)) } />
                {t("Auto Resubscribe")}
            </label>
            <label>{t("Max Reconnect Attempts")}
                <input type="number" min="0" aria-label=t("Max Reconnect Attempts") prop:value=move || app.with(|a| a.max_reconnect_attempts.to_string())
                    on:change=move |ev| if let Some(n) = number(ev) { set_app(Box::new(move |a| a.max_reconnect_attempts = n)) } />
            </label>
            <label>{t("Message Limit")}
                <input type="number" min=AppSettings::MIN_MESSAGES max=AppSettings::MAX_MESSAGES aria-label=t("Message Limit")
                    prop:value=move || app.with(|a| a.message_limit.to_string())
                    on:change=move |ev| if let Some(n) = number(ev) {
                        set_app(Box::new(move |a| a.message_limit = n.clamp(AppSettings::MIN_MESSAGES, AppSettings::MAX_MESSAGES)))
                    } />
            </label>
            <label>{t("Language")}
                <select aria-label=t("Language") prop:value=move || lang.get().tag() on:change=move |ev| choose_lang(event_target_value(&ev))>
                    <option value="en">"English"</option>
                    <option value="zh-CN">"中文"</option>
                </select>
            </label>
        </div>
    }
}
