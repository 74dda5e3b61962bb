//! A real mosquitto for integration tests, and a small native driver that pumps a
//! [`Session`] over a real TCP or WebSocket connection to it.
//!
//! Each test starts its own broker with a generated config on free loopback ports, and waits
//! for it by reading its log, not by sleeping. The driver uses wall-clock time: socket reads
//! time out at the session's next deadline, so timers fire when they are due.

#![allow(dead_code)]

mod driver;

pub(crate) use driver::{Client, Transport};

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::Duration;

/// A running mosquitto, killed on drop.
pub(crate) struct Mosquitto {
    child: Child,
    pub(crate) tcp_port: u16,
    pub(crate) ws_port: u16,
    dir: PathBuf,
    extra: Extra,
}

#[derive(Clone)]
struct Extra {
    global: String,
    listener: String,
}

/// A free loopback port below Linux's ephemeral range (32768-60999): a port the kernel hands
/// out to client sockets could be taken by one of the tests' own connections between this
/// check and mosquitto's bind (seen once: "Unable to create websockets listener").
fn free_port() -> u16 {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let seed = std::process::id().wrapping_mul(2_654_435_761);
    for _ in 0..2000 {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let port = 20_000 + (seed.wrapping_add(n.wrapping_mul(7_919)) % 12_000) as u16;
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn mosquitto_binary() -> PathBuf {
    ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .expect("mosquitto is installed (scripts/test installs it)")
}

impl Mosquitto {
    /// A broker with `extra` global config lines and persistence in a fresh directory.
    pub(crate) fn start(extra: &str) -> Self {
        Self::start_with(extra, "")
    }

    /// A broker with `global` config lines, and `listener` lines applied to both listeners
    /// (options such as `max_topic_alias` belong to a listener).
    pub(crate) fn start_with(global: &str, listener: &str) -> Self {
        let extra = Extra { global: global.to_owned(), listener: listener.to_owned() };
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "wasmqtt-mosquitto-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self::launch(dir, free_port(), free_port(), extra)
    }

    fn launch(dir: PathBuf, tcp_port: u16, ws_port: u16, extra: Extra) -> Self {
        let config = format!(
            "user root\nper_listener_settings false\nallow_anonymous true\nlog_dest stderr\n\
             log_type error\nlog_type warning\nlog_type notice\nlog_type information\n\
             persistence true\npersistence_location {dir}/\nautosave_interval 1\n{global}\n\
             listener {tcp_port} 127.0.0.1\n{listener}\n\
             listener {ws_port} 127.0.0.1\nprotocol websockets\n{listener}\n",
            dir = dir.display(),
            global = extra.global,
            listener = extra.listener,
        );
        let conf_path = dir.join("mosquitto.conf");
        std::fs::write(&conf_path, config).expect("write config");
        let mut child = Command::new(mosquitto_binary())
            .arg("-c")
            .arg(&conf_path)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("mosquitto starts");
        // Ready when it says it is running; keep draining its log so it never blocks.
        let stderr = child.stderr.take().expect("piped stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if std::env::var_os("MOSQUITTO_LOG").is_some() {
                    eprintln!("mosquitto: {line}");
                }
                let _ = tx.send(line);
            }
        });
        let mut log = Vec::new();
        loop {
            match rx.recv_timeout(Duration::from_secs(10)) {
                Ok(line) if line.contains(" running") => break,
                Ok(line) => log.push(line),
                Err(_) => panic!("mosquitto did not start:\n{}", log.join("\n")),
            }
        }
        Self { child, tcp_port, ws_port, dir, extra }
    }

    /// Kills the broker hard (SIGKILL) and starts it again on the same ports and persistence
    /// directory.
    pub(crate) fn kill_and_restart(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let restarted =
            Self::launch(self.dir.clone(), self.tcp_port, self.ws_port, self.extra.clone());
        let old = std::mem::replace(self, restarted);
        // The old process is dead and its directory is now the new one's: skip its Drop.
        std::mem::forget(old);
    }

    /// Stops the broker cleanly (SIGTERM) so it saves its persistence file, then starts it
    /// again on the same ports.
    pub(crate) fn restart_clean(&mut self) {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
        let restarted =
            Self::launch(self.dir.clone(), self.tcp_port, self.ws_port, self.extra.clone());
        let old = std::mem::replace(self, restarted);
        // The old process is dead and its directory is now the new one's: skip its Drop.
        std::mem::forget(old);
    }

    pub(crate) fn tcp(&self) -> Transport {
        Transport::Tcp { port: self.tcp_port }
    }

    pub(crate) fn ws(&self) -> Transport {
        Transport::WebSocket { port: self.ws_port, path: "/mqtt".into() }
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
