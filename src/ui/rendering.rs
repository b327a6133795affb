//! Article text rendered on a thread of its own, so that a slow article never holds up the keys
//! (issue 11): the pane asks, draws "rendering…" meanwhile, and takes the lines when they come.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex, PoisonError};

use super::article::{ArticleText, Zone, article_text};
use super::markdown::Target;
use super::theme::Theme;
use crate::article::{Article, ArticleDetails};
use crate::library::Marks;

/// Everything [`article_text`] needs, owned, so it can be rendered on another thread.
#[derive(Debug, Clone)]
pub struct Request {
    pub article: Article,
    pub details: ArticleDetails,
    pub marks: Marks,
    pub width: u16,
    pub theme: Theme,
    pub zone: Zone,
    pub original_language: Option<String>,
    pub target: Target,
}

impl Request {
    pub fn render(&self) -> ArticleText {
        article_text(
            &self.article,
            &self.details,
            self.marks,
            self.width,
            self.theme,
            self.zone,
            self.original_language.as_deref(),
            self.target,
        )
    }
}

/// How a request becomes text: [`Request::render`], or a stand-in a test controls.
pub type RenderFn = Box<dyn FnMut(&Request) -> ArticleText + Send>;

/// Which request a result answers; a later ticket supersedes every earlier one.
pub type Ticket = u64;

/// The request waiting for the worker. One slot, not a queue: while the worker is busy a newer
/// request replaces the waiting one (a held `j` asks for one article per frame, and only the
/// last is still wanted).
#[derive(Default)]
struct Slot {
    waiting: Option<(Ticket, Request)>,
    /// The pane is gone: the worker stops once it is idle.
    closed: bool,
}

/// A worker thread and the way to it. Dropping it never waits for a render in progress: the
/// worker finishes that one, finds nobody to send it to, and ends.
pub struct Renderer {
    slot: Arc<(Mutex<Slot>, Condvar)>,
    results: Receiver<(Ticket, ArticleText)>,
    last: Ticket,
}

impl Renderer {
    /// Starts the worker; `None` when the system will not give us a thread.
    pub fn start(render: RenderFn) -> Option<Self> {
        let slot = Arc::new((Mutex::new(Slot::default()), Condvar::new()));
        let (sender, results) = mpsc::channel();
        let worker_slot = Arc::clone(&slot);
        std::thread::Builder::new()
            .name("render".into())
            .spawn(move || work(&worker_slot, render, &sender))
            .ok()?;
        Some(Self {
            slot,
            results,
            last: 0,
        })
    }

    /// Hands `request` to the worker in place of any request still waiting; its result will
    /// carry the ticket returned.
    pub fn ask(&mut self, request: Request) -> Ticket {
        self.last += 1;
        let (lock, wake) = &*self.slot;
        lock.lock().unwrap_or_else(PoisonError::into_inner).waiting = Some((self.last, request));
        wake.notify_one();
        self.last
    }

    /// The text for `ticket` if it has arrived; results for other tickets are dropped.
    pub fn take(&self, ticket: Ticket) -> Option<ArticleText> {
        self.results
            .try_iter()
            .filter(|(done, _)| *done == ticket)
            .last()
            .map(|(_, text)| text)
    }

    /// Waits for the text for `ticket`, for callers that must have it (tests, benchmarks);
    /// `None` when it can never come (a newer request took its place, or the worker died).
    pub fn wait(&self, ticket: Ticket) -> Option<ArticleText> {
        if ticket != self.last {
            return None;
        }
        self.results
            .iter()
            .find(|(done, _)| *done == ticket)
            .map(|(_, text)| text)
    }
}

impl Drop for Renderer {
    fn drop(&mut self) {
        let (lock, wake) = &*self.slot;
        lock.lock().unwrap_or_else(PoisonError::into_inner).closed = true;
        wake.notify_one();
    }
}

fn work(
    slot: &(Mutex<Slot>, Condvar),
    mut render: RenderFn,
    results: &Sender<(Ticket, ArticleText)>,
) {
    let (lock, wake) = slot;
    loop {
        let (ticket, request) = {
            let mut slot = lock.lock().unwrap_or_else(PoisonError::into_inner);
            loop {
                if let Some(job) = slot.waiting.take() {
                    break job;
                }
                if slot.closed {
                    return;
                }
                slot = wake.wait(slot).unwrap_or_else(PoisonError::into_inner);
            }
        };
        // A render that panics (a bug, not the article's fault) costs that article, not every
        // article after it: the worker goes on, and the pane says so instead of waiting forever.
        let text = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| render(&request)))
            .unwrap_or_else(|_| ArticleText {
                lines: vec![ratatui::text::Line::styled(
                    "tidings could not render this article (an internal error)",
                    request.theme.error(),
                )],
                ..ArticleText::default()
            });
        if results.send((ticket, text)).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::text::Line;

    fn request(title: &str) -> Request {
        let file = format!("---\ntitle: {title}\nexternalId: 'x'\n---\nBody.\n");
        let parsed = crate::article::parse_article("x.md", "x.md", file.as_bytes())
            .expect("a minimal article");
        let article = parsed.article;
        Request {
            article,
            details: ArticleDetails::default(),
            marks: Marks::default(),
            width: 40,
            theme: Theme::plain(),
            zone: Zone::Utc,
            original_language: None,
            target: Target::Screen,
        }
    }

    /// A render that reports each title it starts on and then waits to be let go.
    fn held() -> (RenderFn, Receiver<String>, Sender<()>) {
        let (started, starts) = mpsc::channel();
        let (go, gate) = mpsc::channel::<()>();
        let render: RenderFn = Box::new(move |request: &Request| {
            let _ = started.send(request.article.title.clone());
            let _ = gate.recv();
            ArticleText {
                lines: vec![Line::from(request.article.title.clone())],
                ..ArticleText::default()
            }
        });
        (render, starts, go)
    }

    fn title(text: &ArticleText) -> String {
        text.lines[0].to_string()
    }

    #[test]
    fn the_newest_request_wins_and_those_it_superseded_are_never_rendered() {
        let (render, starts, go) = held();
        let mut renderer = Renderer::start(render).expect("a thread");
        let first = renderer.ask(request("first"));
        assert_eq!(starts.recv().expect("started"), "first");
        // While the worker is busy, three more come; only the last is still wanted.
        let _ = renderer.ask(request("second"));
        let _ = renderer.ask(request("third"));
        let last = renderer.ask(request("fourth"));
        go.send(()).expect("worker waits");
        assert_eq!(starts.recv().expect("started"), "fourth");
        go.send(()).expect("worker waits");
        assert_eq!(title(&renderer.wait(last).expect("rendered")), "fourth");
        assert!(starts.try_recv().is_err(), "second and third were skipped");
        // The first one's result came back too, and is stale: nothing takes it.
        assert!(renderer.take(first).is_none());
        assert!(renderer.wait(first).is_none());
    }

    #[test]
    fn a_result_for_a_request_no_longer_current_is_dropped() {
        let (render, starts, go) = held();
        let mut renderer = Renderer::start(render).expect("a thread");
        let old = renderer.ask(request("old"));
        assert_eq!(starts.recv().expect("started"), "old");
        let new = renderer.ask(request("new"));
        go.send(()).expect("worker waits");
        assert_eq!(starts.recv().expect("started"), "new");
        // The old text has arrived by now, and taking the new one's ticket drops it.
        assert!(renderer.take(new).is_none());
        assert!(renderer.take(old).is_none());
        go.send(()).expect("worker waits");
        assert_eq!(title(&renderer.wait(new).expect("rendered")), "new");
    }

    #[test]
    fn dropping_the_renderer_does_not_wait_for_a_render_in_progress() {
        let (render, starts, go) = held();
        let mut renderer = Renderer::start(render).expect("a thread");
        let _ = renderer.ask(request("slow"));
        assert_eq!(starts.recv().expect("started"), "slow");
        // The render is blocked until `go`; if dropping joined the worker, this would hang.
        drop(renderer);
        drop(go);
    }

    #[test]
    fn a_render_that_panics_costs_that_article_and_the_worker_goes_on() {
        let render: RenderFn = Box::new(|request: &Request| {
            assert!(request.article.title != "broken", "a bug in rendering");
            request.render()
        });
        let mut renderer = Renderer::start(render).expect("a thread");
        let ticket = renderer.ask(request("broken"));
        let text = renderer.wait(ticket).expect("an answer, not silence");
        assert!(
            text.lines[0].to_string().contains("could not render"),
            "{:?}",
            text.lines
        );
        let ticket = renderer.ask(request("fine"));
        let text = renderer.wait(ticket).expect("the worker still works");
        assert!(
            text.lines
                .iter()
                .any(|line| line.to_string().contains("fine"))
        );
    }
}
