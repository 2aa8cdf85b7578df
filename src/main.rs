use std::process::ExitCode;

fn main() -> ExitCode {
    match ktimeline::tui::run(std::env::args_os().skip(1).map(Into::into).collect()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("ktimeline: {e}");
            ExitCode::from(2)
        }
    }
}
