//! What the benchmarks share: the real binary, started on a database.

use std::time::Duration;

/// Starts `mosaique serve` on the database; returns the process and its address once
/// `ready_path` answers with success.
pub async fn start_server(
    client: &reqwest::Client,
    url: &str,
    key_file: &std::path::Path,
    ready_path: &str,
) -> (std::process::Child, String) {
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_mosaique"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("MOSAIQUE_DATABASE_URL", url)
        .env("MOSAIQUE_KEY_FILE", key_file)
        .env("MOSAIQUE_LOG_LEVEL", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("server starts");
    let address = server.stdout.take().and_then(|stdout| {
        std::io::BufRead::lines(std::io::BufReader::new(stdout))
            .map_while(Result::ok)
            .find_map(|line| {
                line.split_whitespace()
                    .find(|w| w.starts_with("http://"))
                    .map(str::to_owned)
            })
    });
    let Some(base) = address else {
        let _ = server.kill();
        let _ = server.wait();
        panic!("the server did not print its address");
    };
    loop {
        if let Ok(r) = client.get(format!("{base}{ready_path}")).send().await
            && r.status().is_success()
        {
            return (server, base);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
