//! The Kubernetes API emulator of the test suite, standalone, for pointing
//! `kubectl` or `hctl` at it by hand:
//!
//! ```text
//! cargo run -p kube-emulator -- --port 8001 --kubeconfig /tmp/emu.yaml
//! KUBECONFIG=/tmp/emu.yaml kubectl get deployments
//! ```
//!
//! Dev-only: it is never part of the shipped `hctl` binary.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

/// Kubernetes API emulator (apps/v1, core/v1, autoscaling/v2, policy/v1,
/// networking/v1) with a simulated deployment controller.
#[derive(Debug, Parser)]
struct Args {
    /// Port to listen on (127.0.0.1); 0 picks a free one
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Write a kubeconfig pointing at the emulator to this file
    #[arg(long)]
    kubeconfig: Option<PathBuf>,
    /// Default namespace of the kubeconfig context
    #[arg(long, default_value = "healthtracker")]
    namespace: String,
    /// Controller tick in milliseconds (pods get ready after 3 ticks)
    #[arg(long, default_value_t = 200)]
    tick_ms: u64,
}

fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let emulator =
        kube_emulator::Emulator::start_on(args.port, Duration::from_millis(args.tick_ms));
    if let Some(path) = &args.kubeconfig {
        std::fs::write(path, emulator.kubeconfig(&args.namespace))?;
    }
    use std::io::Write;
    writeln!(
        std::io::stdout(),
        "kube emulator listening on {}",
        emulator.url()
    )?;
    std::io::stdout().flush()?;
    loop {
        std::thread::park();
    }
}
