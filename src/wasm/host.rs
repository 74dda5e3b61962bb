//! What the browser provides: the clock, randomness and timers, bound on `globalThis` so the
//! same code runs in a page and in a Worker.

use js_sys::Function;
use wasm_bindgen::prelude::*;

use crate::session::Instant;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;

    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(buf: &mut [u8]);

    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> JsValue;

    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// Now, as the session's millisecond instant.
pub(crate) fn now() -> Instant {
    Instant::from_millis(performance_now().max(0.0) as u64)
}

/// `n` bytes from `crypto.getRandomValues`.
pub(crate) fn random_bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    get_random_values(&mut buf);
    buf
}

/// A 64-bit seed from `crypto.getRandomValues`.
pub(crate) fn random_seed() -> u64 {
    let bytes = random_bytes(8);
    bytes.iter().fold(0u64, |acc, &b| acc << 8 | u64::from(b))
}

/// A one-shot timer that owns its callback and cancels itself when dropped, so replacing or
/// dropping it never leaks a closure or fires a stale deadline.
pub(crate) struct Timer {
    id: JsValue,
    pub(crate) deadline: Instant,
    _callback: Closure<dyn FnMut()>,
}

impl Timer {
    /// Calls `f` once at `deadline` (or as soon as possible if it has passed).
    pub(crate) fn at(deadline: Instant, f: impl FnMut() + 'static) -> Self {
        let callback = Closure::<dyn FnMut()>::new(f);
        let delay = deadline.as_millis().saturating_sub(now().as_millis()) as f64;
        let id = set_timeout(callback.as_ref().unchecked_ref(), delay);
        Self { id, deadline, _callback: callback }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        clear_timeout(&self.id);
    }
}

impl std::fmt::Debug for Timer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Timer").field("deadline", &self.deadline).finish_non_exhaustive()
    }
}
