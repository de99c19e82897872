//! Builds GOV.UK Frontend (pinned in package.json) into the binary: fetches it with npm on a fresh
//! clone, then copies its compiled CSS and JS into OUT_DIR for `include_bytes!`. Without npm the
//! service still builds and works; pages are unstyled and the build says so.
use std::path::Path;
use std::process::Command;

const DIST: &str = "node_modules/govuk-frontend/dist/govuk";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=package-lock.json");
    println!("cargo:rerun-if-changed={DIST}/govuk-frontend.min.css");
    let css = format!("{DIST}/govuk-frontend.min.css");
    if !Path::new(&css).exists() {
        match Command::new("npm")
            .args([
                "ci",
                "--omit=dev",
                "--no-audit",
                "--no-fund",
                "--ignore-scripts",
            ])
            .status()
        {
            Ok(s) if s.success() => {}
            Ok(s) => println!("cargo:warning=npm ci failed ({s}); pages will be unstyled"),
            Err(e) => println!("cargo:warning=npm not found ({e}); pages will be unstyled"),
        }
    }
    let out = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    for file in ["govuk-frontend.min.css", "govuk-frontend.min.js"] {
        let from = format!("{DIST}/{file}");
        let to = Path::new(&out).join(file);
        if std::fs::copy(&from, &to).is_err() {
            // An empty asset keeps the build going; the pages still work without styling.
            let _ = std::fs::write(&to, b"");
            println!("cargo:warning={from} missing; built without it");
        }
    }
}
