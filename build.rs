//! Fetches the pinned front-end assets (GOV.UK Frontend, package-lock.json) with npm on a fresh
//! clone, so `cargo run --release` gives styled pages with no extra step. Without npm the service
//! still runs: pages work unstyled and the log says how to fix it.
use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=package-lock.json");
    if Path::new("node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css").exists() {
        return;
    }
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
        Ok(s) => println!(
            "cargo:warning=npm ci failed ({s}); pages will be unstyled until `npm ci` succeeds"
        ),
        Err(e) => println!(
            "cargo:warning=npm not found ({e}); pages will be unstyled until `npm ci` is run"
        ),
    }
}
