//! `precall`: the command-line tool over the same core as the extension.
//!
//! precall check SNAPSHOT.json [--now RFC3339] [--config CONFIG.json] [--purpose P] [--log LOG.json] [--templates T.json]
//! precall audit PATIENTS.jsonl [--now RFC3339] [--config CONFIG.json] [--purpose P]
//! precall prefs "TEXT" | --file NOTES.txt [--locale ru|en]
//! precall extract PAGE.html [--url URL] [--profile NAME|FILE]
//! precall report LOG.json [--from DATE] [--to DATE] [--by day|week|month] [--caller NAME] [--config C.json] [--json]
//!
//! Exit codes: 0 success, 2 bad input (the message names the file, field and line).

// Native only: the crate's wasm build (the extension) has no command line.
#[cfg(not(target_arch = "wasm32"))]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
