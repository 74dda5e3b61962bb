//! The wasmqtt crate used straight from Rust: a Leptos component opens a
//! [`wasmqtt::wasm::Connection`], subscribes to `examples/leptos/#`, lists what arrives and
//! publishes what is typed. The broker is `?broker=ws://…` in the page URL, else the local
//! mosquitto that `scripts/run` starts.

fn main() {
    #[cfg(target_arch = "wasm32")]
    leptos::mount::mount_to_body(app::App);
}

// `#[component]` re-declares the function `pub`, which no binary crate can reach.
#[cfg(target_arch = "wasm32")]
#[allow(unreachable_pub)]
mod app {
    use leptos::prelude::*;
    use wasmqtt::codec::{QoS, Subscription, SubscriptionOptions};
    use wasmqtt::session::{Event, Options, PublishRequest};
    use wasmqtt::topic::{TopicFilter, TopicName};
    use wasmqtt::wasm::Connection;

    /// Where `scripts/run` starts mosquitto's WebSocket listener.
    const LOCAL_BROKER: &str = "ws://127.0.0.1:8083/mqtt";
    const FILTER: &str = "examples/leptos/#";
    const TOPIC: &str = "examples/leptos/hello";

    /// The broker named in the page URL (`?broker=ws://…`), else the local one.
    fn broker_url() -> String {
        let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
        search
            .trim_start_matches('?')
            .split('&')
            .find_map(|pair| pair.strip_prefix("broker="))
            .and_then(|v| js_sys::decode_uri_component(v).ok()?.as_string())
            .unwrap_or_else(|| LOCAL_BROKER.to_owned())
    }

    /// Opens the connection and subscribes; the session queues the SUBSCRIBE until CONNACK
    /// and makes it again after a reconnect that lost the session.
    fn open(
        status: RwSignal<String>,
        messages: RwSignal<Vec<String>>,
    ) -> Result<Connection, String> {
        let connection =
            Connection::open(&broker_url(), Options::default(), false, move |event| match event {
                Event::Connected(_) => status.set("connected".into()),
                Event::Closed { reason, .. } => status.set(format!("closed: {reason}")),
                Event::Message(m) => {
                    let line =
                        format!("{}: {}", m.topic.as_str(), String::from_utf8_lossy(&m.payload));
                    messages.update(|list| list.push(line));
                }
                _ => {}
            })
            .map_err(|e| e.to_string())?;
        let filter = TopicFilter::new(FILTER).map_err(|e| e.to_string())?;
        let options = SubscriptionOptions { qos: QoS::AtLeastOnce, ..Default::default() };
        connection.subscribe(vec![Subscription { filter, options }]).map_err(|e| e.to_string())?;
        Ok(connection)
    }

    /// Connection status, a text box with Publish, and the messages received.
    #[component]
    pub fn App() -> impl IntoView {
        let status = RwSignal::new("connecting".to_owned());
        let messages = RwSignal::new(Vec::<String>::new());
        let text = RwSignal::new("Hello from Leptos".to_owned());
        // Not Send (it owns JS objects): kept on this thread, dropped with the component,
        // which closes the socket.
        let link = StoredValue::new_local(None::<Connection>);
        match open(status, messages) {
            Ok(connection) => link.set_value(Some(connection)),
            Err(e) => status.set(format!("error: {e}")),
        }
        let publish = move |_| {
            let request = TopicName::new(TOPIC).map(|topic| PublishRequest {
                topic,
                payload: text.get_untracked().into_bytes(),
                qos: QoS::AtLeastOnce,
                ..Default::default()
            });
            let sent = link.with_value(|c| match (c, request) {
                (Some(c), Ok(request)) => c.publish(request).map(drop).map_err(|e| e.to_string()),
                (None, _) => Err("not open".to_owned()),
                (_, Err(e)) => Err(e.to_string()),
            });
            if let Err(e) = sent {
                status.set(format!("error: {e}"));
            }
        };
        view! {
            <main>
                <h1>"wasmqtt from Leptos"</h1>
                <p>"Status: " <output id="status">{move || status.get()}</output></p>
                <input aria-label="Payload" prop:value=move || text.get()
                    on:input=move |e| text.set(event_target_value(&e)) />
                <button on:click=publish>"Publish"</button>
                <ul aria-label="Messages">
                    <For each=move || messages.get().into_iter().enumerate() key=|(i, _)| *i let:item>
                        <li>{item.1}</li>
                    </For>
                </ul>
            </main>
        }
    }
}
