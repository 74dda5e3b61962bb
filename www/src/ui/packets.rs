//! The packet inspector (every packet sent and received, decoded, with a hex dump) and the
//! connection info (what the server granted in CONNACK).

use leptos::prelude::*;

use super::state::Conn;
use super::t;
use crate::i18n::{chinese, tr, Lang};
use crate::inspect::{Flow, PacketRecord};

/// Rows rendered at most: the newest.
const SHOWN: usize = 500;

#[component]
pub(super) fn Packets(conn: Conn) -> impl IntoView {
    let chosen = RwSignal::new(None::<u64>);
    let packets_word = t("packets");
    let rows = move || {
        conn.packets.with(|log| {
            let mut rows: Vec<PacketRecord> = log.iter().rev().take(SHOWN).cloned().collect();
            rows.reverse();
            rows
        })
    };
    let detail = move || {
        let seq = chosen.get()?;
        conn.packets.with(|log| log.iter().find(|r| r.seq == seq).cloned())
    };
    view! {
        <section class="pane packets" aria-label=t("Packets")>
            <div class="packets-toolbar">
                <span class="count">{move || format!("{} {}", conn.packets.with(|l| l.len()), packets_word())}</span>
                <button on:click=move |_| { conn.packets.update(|l| l.clear()); chosen.set(None); }>{t("Clear")}</button>
            </div>
            <div class="packets-body">
                <div class="packet-scroll">
                <table class="packet-table">
                    <thead><tr><th>{t("Time")}</th><th>{t("Dir")}</th><th>{t("Type")}</th><th>{t("Size")}</th><th>{t("Summary")}</th></tr></thead>
                    <tbody>
                        <For each=rows key=|r| r.seq let:r>
                            <PacketRow r chosen />
                        </For>
                    </tbody>
                </table>
                </div>
                {move || detail().map(|r| view! { <PacketDetail r /> })}
            </div>
        </section>
    }
}

#[component]
fn PacketRow(r: PacketRecord, chosen: RwSignal<Option<u64>>) -> impl IntoView {
    let seq = r.seq;
    let time = clock(r.time_ms);
    let (arrow, flow) = match r.flow {
        Flow::Sent => ("→", "sent"),
        Flow::Received => ("←", "received"),
    };
    let summary: String =
        r.fields().iter().take(3).map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(" · ");
    view! {
        <tr
            class=flow
            class:chosen=move || chosen.get() == Some(seq)
            tabindex="0"
            aria-label=format!("{} {} {} bytes", flow, r.kind, r.size)
            on:click=move |_| chosen.set(Some(seq))
            on:keydown=move |ev: web_sys::KeyboardEvent| if ev.key() == "Enter" { chosen.set(Some(seq)) }
        >
            <td>{time}</td>
            <td aria-label=flow>{arrow}</td>
            <td class="kind">{r.kind}</td>
            <td>{r.size}</td>
            <td class="summary">{summary}</td>
        </tr>
    }
}

#[component]
fn PacketDetail(r: PacketRecord) -> impl IntoView {
    let hex = r.hex_dump();
    view! {
        <aside class="packet-detail" aria-label=t("Packet details")>
            <h3>{format!("{} · {} bytes", r.kind, r.size)}</h3>
            <dl>
                {r.fields().into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
            </dl>
            <pre class="hex" aria-label=t("Hex dump")>{hex}</pre>
        </aside>
    }
}

#[component]
pub(super) fn ConnectionInfo(conn: Conn) -> impl IntoView {
    let lang = super::lang();
    // Values such as "yes" and "no limit" have a translation; addresses and ids do not.
    let value = move |v: String| match lang.get() {
        Lang::Zh => chinese(&v).map_or(v, str::to_owned),
        Lang::En => v,
    };
    view! {
        <section class="pane info" aria-label=t("Connection info")>
            <h2>{t("What the server granted")}</h2>
            <p class="muted" hidden=move || !conn.server.with(Vec::is_empty)>{t("Not connected yet.")}</p>
            <dl class="info-list">
                {move || conn.server.get().into_iter().map(|(k, v)| view! { <dt>{tr(lang.get(), k)}</dt><dd>{value(v)}</dd> }).collect_view()}
            </dl>
            <p class="close-reason">{move || match conn.status.get() {
                super::Status::Disconnected(Some(why)) | super::Status::Reconnecting(why) => format!("{} {why}", tr(lang.get(), "Last close:")),
                _ => String::new(),
            }}</p>
        </section>
    }
}

/// `HH:MM:SS.mmm` of a wall-clock time.
fn clock(time_ms: f64) -> String {
    let date = js_sys::Date::new(&time_ms.into());
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        date.get_hours(),
        date.get_minutes(),
        date.get_seconds(),
        date.get_milliseconds()
    )
}
