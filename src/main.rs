//! The `lotgate` command: `serve`, `migrate`, `demo`, `openapi`, `backup`, `restore`, `import`,
//! `token` and `audit` (see `cli.rs`).

fn main() -> std::process::ExitCode {
    lotgate::allocator::tune();
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    match lotgate::cli::run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("lotgate: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
