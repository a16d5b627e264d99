//! Something done at a named moment of a run: a `tracing` layer counts the events with one message
//! and, at the `n`th, kills its own process with SIGKILL or pauses it. It acts from inside the
//! event, so nothing of the run happens between the moment and the kill or the pause.

use std::fmt;
use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt as _};

/// What to do at the moment.
#[derive(Debug, Clone, Copy)]
pub enum Action {
    /// Send SIGKILL to the process.
    Kill,
    /// Say `RELIABILITY: paused` on standard error, then block the run this long.
    Pause(Duration),
}

/// Installs the layer for `at`, written `<event message>:<n>` (n counted from 1); what it returns
/// counts the events seen, for a process that ends before the `n`th.
pub fn install(at: &str, action: Action) -> Result<Arc<AtomicU64>, String> {
    let (message, n) = at.rsplit_once(':').ok_or_else(|| format!("'{at}' isn't `<event message>:<n>`"))?;
    let n: u64 = n.parse().map_err(|_| format!("'{n}' in '{at}' isn't a positive number"))?;
    if n == 0 {
        return Err(format!("'{at}': events are counted from 1"));
    }
    let seen = Arc::new(AtomicU64::new(0));
    let layer = AtMoment { message: message.to_owned(), n, action, seen: Arc::clone(&seen) };
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer))
        .map_err(|error| format!("can't watch the events: {error}"))?;
    Ok(seen)
}

/// Acts at the `n`th event whose message is `message`.
struct AtMoment {
    message: String,
    n: u64,
    action: Action,
    seen: Arc<AtomicU64>,
}

impl<S: Subscriber> Layer<S> for AtMoment {
    fn on_event(&self, event: &Event<'_>, _context: Context<'_, S>) {
        let mut message = MessageIs { wanted: &self.message, matches: false };
        event.record(&mut message);
        if !message.matches || self.seen.fetch_add(1, Ordering::SeqCst) + 1 != self.n {
            return;
        }
        match self.action {
            // SAFETY: `getpid` and `kill` have no preconditions; SIGKILL ends the process here.
            Action::Kill => unsafe {
                libc::kill(libc::getpid(), libc::SIGKILL);
            },
            Action::Pause(pause) => {
                let _ = writeln!(std::io::stderr(), "RELIABILITY: paused");
                // Blocking the thread is the point: the run's connection stays idle meanwhile.
                std::thread::sleep(pause);
            }
        }
    }
}

/// Whether an event's message is the one wanted.
struct MessageIs<'a> {
    wanted: &'a str,
    matches: bool,
}

impl Visit for MessageIs<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            self.matches = format!("{value:?}") == self.wanted;
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.matches = value == self.wanted;
        }
    }
}
