//! The WebSocket transport: binary frames, subprotocol `mqtt` (`mqttv3.1` for 3.1). The wrapper
//! owns its event closures and detaches them on drop, so reconnecting a thousand times leaks
//! nothing.

use js_sys::Function;
use wasm_bindgen::prelude::*;
use web_sys::{BinaryType, CloseEvent, WebSocket};

#[wasm_bindgen(module = "/src/wasm/glue.js")]
extern "C" {
    /// A `message` listener that hands binary frames to `receive` as bytes: one crossing per
    /// frame instead of one per accessor (`data`, the type check, the view, the copy).
    #[wasm_bindgen(js_name = binaryFrames)]
    fn binary_frames(receive: &Function) -> Function;
}

/// What the socket reports.
pub(crate) enum SocketEvent {
    Open,
    Bytes(Vec<u8>),
    Closed { code: Option<u16>, reason: Option<String> },
}

/// An open (or opening) WebSocket with its handlers.
pub(crate) struct WsSocket {
    ws: WebSocket,
    _on_open: Closure<dyn FnMut(web_sys::Event)>,
    _on_message: Closure<dyn FnMut(Vec<u8>)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl WsSocket {
    /// Opens `url` and reports to `on_event`.
    pub(crate) fn open(
        url: &str,
        subprotocol: &str,
        on_event: impl Fn(SocketEvent) + Clone + 'static,
    ) -> Result<Self, JsValue> {
        let ws = WebSocket::new_with_str(url, subprotocol)?;
        ws.set_binary_type(BinaryType::Arraybuffer);
        let on_open = {
            let on_event = on_event.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| on_event(SocketEvent::Open))
        };
        let on_message = {
            let on_event = on_event.clone();
            Closure::<dyn FnMut(Vec<u8>)>::new(move |bytes: Vec<u8>| {
                on_event(SocketEvent::Bytes(bytes))
            })
        };
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |e: CloseEvent| {
            let reason = e.reason();
            on_event(SocketEvent::Closed {
                code: Some(e.code()),
                reason: (!reason.is_empty()).then_some(reason),
            })
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(&binary_frames(on_message.as_ref().unchecked_ref())));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Ok(Self { ws, _on_open: on_open, _on_message: on_message, _on_close: on_close })
    }

    /// The socket, to call outside any borrow.
    pub(crate) fn handle(&self) -> WebSocket {
        self.ws.clone()
    }
}

impl Drop for WsSocket {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close();
    }
}
