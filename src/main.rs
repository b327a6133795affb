//! The `tidings` binary: parse the command line, run a command, map errors to exit codes.

use std::process::ExitCode;

use tidings::cli::Cli;
use tidings::commands;

// See Cargo.toml: memory that a long index frees goes back to be used again.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("tidings: internal error: {info}");
    }));
    let cli = Cli::parse_args(std::env::args_os());
    match commands::run(cli) {
        Ok(code) => code,
        Err(error) => {
            if error
                .downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            {
                // `tidings list | head`: the reader has what it wanted.
                return ExitCode::SUCCESS;
            }
            let causes: Vec<String> = error.chain().map(ToString::to_string).collect();
            // Errors name paths and quote files: one line, nothing a terminal acts on.
            let message = tidings::article::text::for_terminal(&causes.join(": ")).into_owned();
            eprintln!("tidings: {message}");
            ExitCode::from(2)
        }
    }
}
