//! Reliability under concurrency (issue 14): writers that overlap queue instead of failing, a
//! double submit happens once, and nothing answers 500.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic: that is how it fails
mod common;
use common::*;

/// F1: four officers adding children at once. On SQLite a DEFERRED transaction that read and then
/// wrote failed at once with "database is locked" (a 500); every write must now succeed.
#[test]
fn concurrent_writers_queue_and_none_gets_a_server_error() {
    let app = TestApp::spawn();
    let browsers: Vec<Browser> = (0..4).map(|_| app.signed_in("officer")).collect();
    let names = ["Ada", "Byron", "Clara", "Dev"];
    let statuses: Vec<Vec<u16>> = std::thread::scope(|s| {
        let handles: Vec<_> = browsers
            .into_iter()
            .zip(names)
            .map(|(mut b, family)| {
                s.spawn(move || {
                    let mut out = vec![];
                    for i in 0..8 {
                        let given = format!("Child{i}");
                        b.get("/officers/children/new");
                        let p = b.post(
                            "/officers/children/new",
                            &child_form(&given, family, ("10", "12", "2015")),
                        );
                        out.push(p.status);
                    }
                    out
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let all: Vec<u16> = statuses.into_iter().flatten().collect();
    assert!(all.iter().all(|s| *s == 303), "statuses: {all:?}");
    assert_eq!(count(&app, "children"), 32);
}
