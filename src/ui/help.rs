//! The help screen, drawn from the keymap the key handler reads.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, StatefulWidget, Widget};

use super::theme::Theme;
use crate::app::keys::{KeyContext, Keymap, label};
use crate::app::query::{FIELDS, SYNTAX};

/// The help screen, over the middle of the area it is given, scrolled down `scroll` lines.
pub struct Help<'a> {
    pub keymap: &'a Keymap,
    pub scroll: usize,
    pub theme: Theme,
}

/// What the last frame's help drew: how far it can scroll.
#[derive(Debug, Default)]
pub struct HelpState {
    pub max_scroll: usize,
}

impl StatefulWidget for Help<'_> {
    type State = HelpState;

    fn render(self, area: Rect, buf: &mut Buffer, state: &mut HelpState) {
        let Self {
            keymap,
            scroll,
            theme,
        } = self;
        let width = area.width.saturating_sub(4).min(96);
        let height = area.height.saturating_sub(2);
        state.max_scroll = 0;
        if width < 10 || height < 3 {
            return;
        }
        let popup = Rect::new(
            area.x + (area.width - width) / 2,
            area.y + (area.height - height) / 2,
            width,
            height,
        );
        let mut lines: Vec<Line<'static>> = Vec::new();
        let key_width = 12;
        let row = |keys: &str, what: &str| {
            Line::from(vec![
                Span::styled(format!("{keys:>key_width$}  "), theme.accent()),
                Span::raw(what.to_owned()),
            ])
        };
        let in_panes = |contexts: &[KeyContext]| {
            [KeyContext::List, KeyContext::Article, KeyContext::Sidebar]
                .iter()
                .any(|pane| contexts.contains(pane))
        };
        for (binding, keys) in keymap.bindings() {
            if in_panes(binding.contexts) {
                lines.push(row(&label(keys), binding.help));
            }
        }
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            "While typing a query",
            theme.heading(3),
        )));
        for (binding, keys) in keymap.bindings_in(KeyContext::Query) {
            if !in_panes(binding.contexts) {
                lines.push(row(&label(&keys), binding.help));
            }
        }
        lines.push(row("", "any other key is typed"));
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            "While text found in an article is marked",
            theme.heading(3),
        )));
        for (binding, keys) in keymap.bindings_in(KeyContext::Find) {
            if !in_panes(binding.contexts) {
                lines.push(row(&label(&keys), binding.help));
            }
        }
        lines.push(row("", "and every key of the article"));
        lines.push(Line::default());
        lines.push(Line::from(Span::styled("Query syntax", theme.heading(3))));
        let fields = FIELDS.iter().map(|field| (field.example, field.help));
        for (syntax, what) in SYNTAX.iter().copied().chain(fields) {
            lines.push(Line::from(vec![
                Span::styled(format!("  {syntax}"), theme.code()),
                Span::styled(format!("  {what}"), theme.dim()),
            ]));
        }
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            "Mouse: click a headline or a sidebar entry; the wheel scrolls.",
            theme.dim(),
        )));
        // Lines that do not fit are cut, not wrapped, so scrolling counts true lines.
        let rows = popup.height.saturating_sub(2) as usize;
        let max_scroll = lines.len().saturating_sub(rows);
        let scroll = scroll.min(max_scroll);
        let title = if max_scroll == 0 {
            " Keys · any key closes ".to_owned()
        } else {
            let scroll_keys = [keymap.label("down"), keymap.label("up")]
                .map(|keys| keys.split(' ').next().unwrap_or_default().to_owned())
                .join(" ");
            format!(
                " Keys {}/{} · {scroll_keys} scroll, any other key closes ",
                (scroll + rows).min(lines.len()),
                lines.len()
            )
        };
        Clear.render(popup, buf);
        Paragraph::new(lines)
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0))
            .block(
                Block::bordered()
                    .title(title)
                    .border_style(theme.border(true)),
            )
            .render(popup, buf);
        state.max_scroll = max_scroll;
    }
}
