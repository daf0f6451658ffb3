//! A TCP proxy the test can cut and restore: a database that becomes
//! unreachable without stopping the server.

use std::sync::{Arc, Mutex};

use tokio::io::copy_bidirectional;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

pub struct Proxy {
    pub addr: String,
    state: Arc<Mutex<Links>>,
    accept: JoinHandle<()>,
}

#[derive(Default)]
struct Links {
    cut: bool,
    open: Vec<JoinHandle<()>>,
}

impl Proxy {
    /// Forwards a local port to `target` (host:port).
    pub async fn start(target: &str) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let state = Arc::new(Mutex::new(Links::default()));
        let (target, links) = (target.to_string(), state.clone());
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let mut links = links.lock().unwrap();
                if links.cut {
                    continue; // dropped: the connection is reset
                }
                let target = target.clone();
                links.open.push(tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(&target).await {
                        let _ = copy_bidirectional(&mut client, &mut server).await;
                    }
                }));
            }
        });
        Proxy { addr, state, accept }
    }

    /// Breaks every open connection and refuses new ones.
    pub fn cut(&self) {
        let mut links = self.state.lock().unwrap();
        links.cut = true;
        for link in links.open.drain(..) {
            link.abort();
        }
    }

    pub fn restore(&self) {
        self.state.lock().unwrap().cut = false;
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.cut();
        self.accept.abort();
    }
}

/// Where a URL's host:port starts and ends.
fn authority(url: &str) -> (usize, usize) {
    let start = url.find('@').or_else(|| url.find("://").map(|i| i + 2)).unwrap() + 1;
    (start, start + url[start..].find('/').unwrap())
}

/// `url` with its host:port replaced by `addr`.
pub fn through(url: &str, addr: &str) -> String {
    let (start, end) = authority(url);
    format!("{}{addr}{}", &url[..start], &url[end..])
}

/// host:port of a database URL.
pub fn host_port(url: &str) -> String {
    let (start, end) = authority(url);
    url[start..end].to_string()
}
