//! `precall`: the command-line tool over the same core as the extension.
fn main() {}
