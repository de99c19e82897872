//! One module per group of subcommands. Each takes the pool (and the configuration where it
//! needs it), calls the library, and prints what happened: ids and counts, never personal data.
pub mod cross_check;
#[cfg(feature = "dev-tools")]
pub mod dev;
pub mod imports;
pub mod jobs;
pub mod serve;
pub mod tokens;
pub mod users;

/// Prints a line to standard output. A reader that has gone (`cnis cross-check | head -1`) ends
/// the program quietly, as with other command-line tools, instead of a panic: the work is done
/// before anything is printed.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout(), $($arg)*) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
        }
    }};
}

pub fn progress_bar(len: u64) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}
