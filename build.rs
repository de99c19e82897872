//! Builds GOV.UK Frontend (pinned in package.json) into the binary: fetches it with npm on a fresh
//! clone, compiles its Sass with the `grass` crate, and copies its JS into OUT_DIR for
//! `include_bytes!`. Councils are not GOV.UK, so the stylesheet uses Arial and has no GDS Transport
//! `@font-face` rules: no page asks for a font file. Without npm the service still builds and
//! works; pages are unstyled and the build says so.
use std::path::Path;
use std::process::Command;

const DIST: &str = "node_modules/govuk-frontend/dist";

/// The council's brand colour is set at run time through GOV.UK Frontend's
/// `--govuk-brand-colour` custom property (see `/static/brand.css`).
const SASS: &str = r#"
@use "govuk/index" with (
  $govuk-font-family: (arial, sans-serif),
  $govuk-include-default-font-face: false,
  $govuk-assets-path: "/assets/"
);
"#;

/// Copies GOV.UK Frontend's Sass into `to` in the shape `grass` 0.13 resolves: it reads
/// `@use "x.mixin"` as `x` with another extension (a module loop), and prefers the `.import.scss`
/// twins meant only for `@import`. So the twins are left out and `x.mixin` becomes `x-mixin`.
fn copy_sass(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            copy_sass(&path, &to.join(&name))?;
        } else if name.ends_with(".scss") && !name.ends_with(".import.scss") {
            let text = std::fs::read_to_string(&path)?.replace(".mixin\"", "-mixin\"");
            std::fs::write(to.join(name.replace(".mixin.scss", "-mixin.scss")), text)?;
        }
    }
    Ok(())
}

fn compile_govuk_frontend(out: &Path) -> Result<String, String> {
    let sass = out.join("sass");
    copy_sass(&Path::new(DIST).join("govuk"), &sass.join("govuk")).map_err(|e| e.to_string())?;
    let options = grass::Options::default()
        .load_path(&sass)
        .quiet(true)
        .style(grass::OutputStyle::Compressed);
    grass::from_string(SASS, &options).map_err(|e| e.to_string())
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=package-lock.json");
    println!("cargo:rerun-if-changed={DIST}/govuk/index.scss");
    // embed_migrations! reads these at compile time: a new migration must rebuild the crate.
    println!("cargo:rerun-if-changed=migrations");
    if !Path::new(&format!("{DIST}/govuk/index.scss")).exists() {
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
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into()));
    let css = compile_govuk_frontend(&out).unwrap_or_else(|e| {
        println!(
            "cargo:warning=GOV.UK Frontend Sass did not compile ({e}); pages will be unstyled"
        );
        String::new()
    });
    let _ = std::fs::write(out.join("govuk-frontend.css"), css);
    let js = format!("{DIST}/govuk/govuk-frontend.min.js");
    if std::fs::copy(&js, out.join("govuk-frontend.min.js")).is_err() {
        // An empty asset keeps the build going; the pages still work without it.
        let _ = std::fs::write(out.join("govuk-frontend.min.js"), b"");
        println!("cargo:warning={js} missing; built without it");
    }
}
