//! A real SMTP server on loopback (mailin-embedded) that keeps what it receives.
use std::sync::{Arc, Mutex};

use mailin_embedded::{response, Handler, Response, Server, SslConfig};

/// A real SMTP server on loopback that keeps what it receives; `reject` answers 550 to RCPT.
#[derive(Clone)]
struct Receiver {
    got: Arc<Mutex<Vec<String>>>,
    buf: Vec<u8>,
    reject: bool,
}

impl Handler for Receiver {
    fn rcpt(&mut self, _to: &str) -> Response {
        if self.reject {
            response::NO_MAILBOX
        } else {
            response::OK
        }
    }
    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.buf.extend_from_slice(buf);
        Ok(())
    }
    fn data_end(&mut self) -> Response {
        self.got
            .lock()
            .unwrap()
            .push(String::from_utf8_lossy(&self.buf).to_string());
        self.buf.clear();
        response::OK
    }
}

pub fn smtp_on(listener: std::net::TcpListener, reject: bool) -> Arc<Mutex<Vec<String>>> {
    let got = Arc::new(Mutex::new(vec![]));
    let mut server = Server::new(Receiver {
        got: got.clone(),
        buf: vec![],
        reject,
    });
    server
        .with_name("receiver.test")
        .with_ssl(SslConfig::None)
        .unwrap()
        .with_tcp_listener(listener);
    std::thread::spawn(move || {
        let _ = server.serve();
    });
    got
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
