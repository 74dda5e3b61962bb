//! The native driver: pumps bytes, deadlines and events between a [`Session`] and a real
//! socket. It holds no protocol logic, like the browser driver.

use std::collections::VecDeque;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant as WallClock};

use tungstenite::client::IntoClientRequest;
use tungstenite::http::HeaderValue;
use tungstenite::{Message as WsMessage, WebSocket};
use wasmqtt::session::{Event, Instant, Options, Session, Transmit};

/// Where to connect.
#[derive(Debug, Clone)]
pub(crate) enum Transport {
    Tcp { port: u16 },
    WebSocket { port: u16, path: String },
}

enum Socket {
    Tcp(TcpStream),
    Ws(Box<WebSocket<TcpStream>>),
}

impl Socket {
    fn open(transport: &Transport, subprotocol: &str) -> std::io::Result<Self> {
        match transport {
            Transport::Tcp { port } => {
                let s = TcpStream::connect(("127.0.0.1", *port))?;
                s.set_nodelay(true)?;
                Ok(Socket::Tcp(s))
            }
            Transport::WebSocket { port, path } => {
                let stream = TcpStream::connect(("127.0.0.1", *port))?;
                stream.set_nodelay(true)?;
                let mut request = format!("ws://127.0.0.1:{port}{path}")
                    .into_client_request()
                    .map_err(std::io::Error::other)?;
                request.headers_mut().insert(
                    "Sec-WebSocket-Protocol",
                    HeaderValue::from_str(subprotocol).map_err(std::io::Error::other)?,
                );
                let (ws, _) =
                    tungstenite::client(request, stream).map_err(std::io::Error::other)?;
                Ok(Socket::Ws(Box::new(ws)))
            }
        }
    }

    fn stream(&self) -> &TcpStream {
        match self {
            Socket::Tcp(s) => s,
            Socket::Ws(ws) => ws.get_ref(),
        }
    }

    fn send(&mut self, bytes: Vec<u8>) -> std::io::Result<()> {
        match self {
            Socket::Tcp(s) => s.write_all(&bytes),
            Socket::Ws(ws) => {
                ws.send(WsMessage::Binary(bytes.into())).map_err(std::io::Error::other)
            }
        }
    }

    /// Bytes received before `timeout`: `Ok(None)` on timeout, `Ok(Some(empty))` on close.
    fn recv(&mut self, timeout: Duration) -> std::io::Result<Option<Vec<u8>>> {
        self.stream().set_read_timeout(Some(timeout.max(Duration::from_millis(1))))?;
        let timed_out =
            |e: &std::io::Error| matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut);
        match self {
            Socket::Tcp(s) => {
                let mut buf = vec![0; 64 * 1024];
                match s.read(&mut buf) {
                    Ok(n) => {
                        buf.truncate(n);
                        Ok(Some(buf))
                    }
                    Err(e) if timed_out(&e) => Ok(None),
                    Err(e) => Err(e),
                }
            }
            Socket::Ws(ws) => match ws.read() {
                Ok(WsMessage::Binary(b)) => Ok(Some(b.to_vec())),
                Ok(WsMessage::Close(_)) => Ok(Some(Vec::new())),
                Ok(_) => Ok(None),
                Err(tungstenite::Error::Io(e)) if timed_out(&e) => Ok(None),
                Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => {
                    Ok(Some(Vec::new()))
                }
                Err(e) => Err(std::io::Error::other(e)),
            },
        }
    }

    fn close(&mut self) {
        match self {
            Socket::Tcp(s) => {
                let _ = s.shutdown(Shutdown::Both);
            }
            Socket::Ws(ws) => {
                let _ = ws.close(None);
                let _ = ws.flush();
                let _ = ws.get_ref().shutdown(Shutdown::Both);
            }
        }
    }

    /// Drops the connection without DISCONNECT or WebSocket close: an abnormal end.
    fn cut(&mut self) {
        let _ = self.stream().shutdown(Shutdown::Both);
    }
}

/// A session driven over a real socket, with every event kept for the test to inspect.
pub(crate) struct Client {
    pub(crate) session: Session,
    transport: Transport,
    socket: Option<Socket>,
    origin: WallClock,
    /// Events not yet taken by the test.
    pub(crate) events: VecDeque<Event>,
}

impl Client {
    pub(crate) fn new(transport: Transport, options: Options) -> Self {
        // Distinct per client: the seed makes the generated client id.
        static CLIENTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = CLIENTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let seed =
            epoch ^ (u64::from(std::process::id()) << 32) ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let session = Session::new(options, seed).expect("valid options");
        Self { session, transport, socket: None, origin: WallClock::now(), events: VecDeque::new() }
    }

    /// Connects and waits for CONNACK; panics on anything else.
    pub(crate) fn connect(transport: Transport, options: Options) -> Self {
        let mut client = Self::new(transport, options);
        client.session.connect(client.now());
        client.wait_for(Duration::from_secs(5), |e| matches!(e, Event::Connected(_)));
        client
    }

    pub(crate) fn now(&self) -> Instant {
        Instant::from_millis(self.origin.elapsed().as_millis() as u64)
    }

    fn subprotocol(&self) -> &'static str {
        if self.session.version() == wasmqtt::codec::ProtocolVersion::V3_1 {
            "mqttv3.1"
        } else {
            "mqtt"
        }
    }

    /// Does what the session asks of the transport.
    fn flush(&mut self) {
        while let Some(t) = self.session.poll_transmit() {
            let now = self.now();
            match t {
                Transmit::Open => match Socket::open(&self.transport, self.subprotocol()) {
                    Ok(s) => {
                        self.socket = Some(s);
                        self.session.handle_transport_open(now);
                    }
                    Err(e) => self.session.handle_transport_closed(now, None, Some(e.to_string())),
                },
                Transmit::Bytes(bytes) => {
                    let failed = match &mut self.socket {
                        Some(s) => s.send(bytes).err(),
                        None => None,
                    };
                    if let Some(e) = failed {
                        self.socket = None;
                        self.session.handle_transport_closed(now, None, Some(e.to_string()));
                    }
                }
                Transmit::Close => {
                    if let Some(mut s) = self.socket.take() {
                        s.close();
                    }
                }
            }
        }
        while let Some(e) = self.session.poll_event() {
            self.events.push_back(e);
        }
    }

    /// Runs the session for up to `limit`: reads the socket, fires timers.
    fn turn(&mut self, limit: Duration) {
        self.flush();
        let now = self.now();
        let until_deadline = self
            .session
            .poll_timeout()
            .map(|d| Duration::from_millis(d.as_millis().saturating_sub(now.as_millis())))
            .unwrap_or(limit)
            .min(limit);
        match &mut self.socket {
            Some(socket) => match socket.recv(until_deadline) {
                Ok(Some(bytes)) if bytes.is_empty() => {
                    self.socket = None;
                    self.session.handle_transport_closed(
                        self.now(),
                        None,
                        Some("closed by peer".into()),
                    );
                }
                Ok(Some(bytes)) => self.session.handle_bytes(self.now(), &bytes),
                Ok(None) => {}
                Err(e) => {
                    self.socket = None;
                    self.session.handle_transport_closed(self.now(), None, Some(e.to_string()));
                }
            },
            // No socket: only timers can move things; wait for the next one.
            None => std::thread::park_timeout(until_deadline),
        }
        let now = self.now();
        if self.session.poll_timeout().is_some_and(|d| d <= now) {
            self.session.handle_timeout(now);
        }
        self.flush();
    }

    /// Pumps until an event matching `want` arrives; returns it (events before it stay
    /// queued). Panics after `timeout`.
    pub(crate) fn wait_for(&mut self, timeout: Duration, want: impl Fn(&Event) -> bool) -> Event {
        let end = WallClock::now() + timeout;
        loop {
            if let Some(pos) = self.events.iter().position(&want) {
                return self.events.remove(pos).expect("position is valid");
            }
            let left = end.saturating_duration_since(WallClock::now());
            assert!(!left.is_zero(), "timed out; events so far: {:?}", self.events);
            self.turn(left.min(Duration::from_millis(200)));
        }
    }

    /// Pumps for `duration` (for checking that something does NOT happen).
    pub(crate) fn run_for(&mut self, duration: Duration) {
        let end = WallClock::now() + duration;
        while WallClock::now() < end {
            self.turn(end.saturating_duration_since(WallClock::now()));
        }
    }

    /// Takes all events so far.
    pub(crate) fn take_events(&mut self) -> Vec<Event> {
        self.flush();
        self.events.drain(..).collect()
    }

    /// Drops the connection without DISCONNECT: the broker sees an abnormal close.
    pub(crate) fn cut_connection(&mut self) {
        if let Some(mut s) = self.socket.take() {
            s.cut();
        }
        let now = self.now();
        self.session.handle_transport_closed(now, None, Some("cut by the test".into()));
        self.flush();
    }

    /// Runs session commands with the current time, then flushes.
    pub(crate) fn with<R>(&mut self, f: impl FnOnce(&mut Session, Instant) -> R) -> R {
        let now = self.now();
        let r = f(&mut self.session, now);
        self.flush();
        r
    }
}
