//! What the browser provides: the clock, randomness and timers, bound on `globalThis` so the
//! same code runs in a page and in a Worker.

use std::cell::RefCell;

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::{Blob, BlobPropertyBag, MessageEvent, Url, Worker};

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

    #[cfg(feature = "js-api")]
    #[wasm_bindgen(js_name = queueMicrotask)]
    fn queue_microtask(f: &JsValue);
}

/// Work for the end of the current task, and the one JS function that runs it: made once for
/// the page rather than a closure per task (a task per received WebSocket message).
#[cfg(feature = "js-api")]
struct AfterTask {
    queue: RefCell<Vec<Box<dyn FnOnce()>>>,
    run: Closure<dyn FnMut()>,
}

#[cfg(feature = "js-api")]
thread_local! {
    static AFTER_TASK: AfterTask = AfterTask {
        queue: RefCell::new(Vec::new()),
        run: Closure::new(|| {
            let work =
                AFTER_TASK.try_with(|a| std::mem::take(&mut *a.queue.borrow_mut())).unwrap_or_default();
            for f in work {
                f();
            }
        }),
    };
}

/// Calls `f` once the current task's synchronous work is done (a microtask).
#[cfg(feature = "js-api")]
pub(crate) fn after_this_task(f: impl FnOnce() + 'static) {
    // `try_with`, not `with`, here and below: `with` links a panic path (and its `Debug`) for
    // a thread-local that is gone, which cannot happen in a wasm page.
    let _ = AFTER_TASK.try_with(|a| {
        let mut queue = a.queue.borrow_mut();
        if queue.is_empty() {
            queue_microtask(a.run.as_ref());
        }
        queue.push(Box::new(f));
    });
}

/// Whether a timer armed for `armed` can stay when the session's next deadline is `wanted`.
///
/// A timer that fires at or before the deadline is kept: waking early is harmless (the session
/// checks its deadlines, and the pump arms the next timer), while re-arming whenever the
/// deadline moves would cost two Worker messages per packet sent, since every send moves the
/// keep-alive deadline.
pub(crate) fn keep_timer(armed: Option<Instant>, wanted: Option<Instant>) -> bool {
    match (armed, wanted) {
        (Some(armed), Some(wanted)) => armed <= wanted,
        (None, None) => true,
        _ => false,
    }
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

/// The timer worker's whole program. Timers in a dedicated Worker are not throttled like
/// main-thread timers in a hidden tab (Chrome: once a minute after five minutes), which would
/// kill keep-alive.
const WORKER_SCRIPT: &str = "const t=new Map();onmessage=e=>{const d=e.data;\
if(d.cancel!==undefined){clearTimeout(t.get(d.cancel));t.delete(d.cancel);return}\
t.set(d.id,setTimeout(()=>{t.delete(d.id);postMessage(d.id)},d.ms))}";

type Callback = Box<dyn FnMut()>;

/// Timers run by one dedicated Worker, shared by every client of the page.
struct WorkerTimers {
    worker: Worker,
    /// Pending timers: few at a time (one per client, plus drains).
    callbacks: Vec<(u32, Callback)>,
    next_id: u32,
    /// The worker failed after it was created (a CSP refusal arrives as an error event, not
    /// as an exception): timers fall back to the main thread.
    dead: bool,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

thread_local! {
    /// `None` inside: the Worker could not start (for example a CSP forbidding `blob:`
    /// workers); main-thread timers are used instead.
    static WORKER: RefCell<Option<Option<WorkerTimers>>> = const { RefCell::new(None) };
}

fn start_worker() -> Option<WorkerTimers> {
    let parts = Array::of1(&JsValue::from_str(WORKER_SCRIPT));
    let options = BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    let url = Url::create_object_url_with_blob(&blob).ok()?;
    let worker = Worker::new(&url).ok();
    let _ = Url::revoke_object_url(&url);
    let worker = worker?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|e: MessageEvent| {
        let Some(id) = e.data().as_f64() else { return };
        // Take the callback out before calling it: it may arm a new timer.
        let callback = WORKER.try_with(|w| {
            w.borrow_mut().as_mut().and_then(|w| w.as_mut()).and_then(|w| {
                let pos = w.callbacks.iter().position(|(i, _)| *i == id as u32)?;
                Some(w.callbacks.swap_remove(pos).1)
            })
        });
        if let Ok(Some(mut f)) = callback {
            f();
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(|_| {
        // Every timer armed in the dead worker fires now; its owner sees its deadline has not
        // passed and re-arms it, on the main thread this time.
        let pending: Vec<Callback> = WORKER
            .try_with(|w| match w.borrow_mut().as_mut() {
                Some(Some(timers)) => {
                    timers.dead = true;
                    timers.callbacks.drain(..).map(|(_, f)| f).collect()
                }
                _ => Vec::new(),
            })
            .unwrap_or_default();
        for mut f in pending {
            f();
        }
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Some(WorkerTimers {
        worker,
        callbacks: Vec::new(),
        next_id: 0,
        dead: false,
        _on_message: on_message,
        _on_error: on_error,
    })
}

/// Arms `f` in the worker; gives `f` back when there is no worker.
fn worker_timer(ms: f64, f: Callback) -> Result<u32, Callback> {
    let mut f = Some(f);
    let armed = WORKER.try_with(|w| {
        let mut w = w.borrow_mut();
        let timers = w.get_or_insert_with(start_worker).as_mut().filter(|t| !t.dead)?;
        timers.next_id = timers.next_id.wrapping_add(1);
        let id = timers.next_id;
        let message = Object::new();
        let _ = Reflect::set(&message, &"id".into(), &id.into());
        let _ = Reflect::set(&message, &"ms".into(), &ms.into());
        timers.worker.post_message(&message).ok()?;
        timers.callbacks.push((id, f.take()?));
        Some(id)
    });
    // The callback is still here unless the worker took it.
    match f {
        Some(f) => Err(f),
        None => Ok(armed.ok().flatten().unwrap_or_default()),
    }
}

fn cancel_worker_timer(id: u32) {
    let _ = WORKER.try_with(|w| {
        if let Some(Some(timers)) = w.borrow_mut().as_mut() {
            timers.callbacks.retain(|(i, _)| *i != id);
            let message = Object::new();
            let _ = Reflect::set(&message, &"cancel".into(), &id.into());
            let _ = timers.worker.post_message(&message);
        }
    });
}

enum TimerHandle {
    Worker(u32),
    Main { id: JsValue, _callback: Closure<dyn FnMut()> },
}

/// A one-shot timer that owns its callback and cancels itself when dropped, so replacing or
/// dropping it never leaks a closure or fires a stale deadline. Runs in the timer Worker when
/// there is one, on the main thread otherwise.
pub(crate) struct Timer {
    handle: TimerHandle,
    pub(crate) deadline: Instant,
}

impl Timer {
    /// Calls `f` once at `deadline` (or as soon as possible if it has passed).
    pub(crate) fn at(deadline: Instant, f: impl FnMut() + 'static) -> Self {
        let delay = deadline.as_millis().saturating_sub(now().as_millis()) as f64;
        let handle = match worker_timer(delay, Box::new(f)) {
            Ok(id) => TimerHandle::Worker(id),
            Err(f) => {
                let callback = Closure::<dyn FnMut()>::new(f);
                let id = set_timeout(callback.as_ref().unchecked_ref(), delay);
                TimerHandle::Main { id, _callback: callback }
            }
        };
        Self { handle, deadline }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        match &self.handle {
            TimerHandle::Worker(id) => cancel_worker_timer(*id),
            TimerHandle::Main { id, .. } => clear_timeout(id),
        }
    }
}

impl std::fmt::Debug for Timer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Timer").field("deadline", &self.deadline).finish_non_exhaustive()
    }
}
