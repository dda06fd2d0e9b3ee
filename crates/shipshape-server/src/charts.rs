//! Inline SVG charts for the dashboard, built by small pure functions and
//! unit-tested on their output. No script and no `style` attribute (the pages'
//! Content-Security-Policy forbids inline styles): colours come from classes in
//! `static/app.css`, or from presentation attributes in the stand-alone badge.
//! Every chart carries a `<title>` and a `<desc>`, and the pages put a table with
//! the same numbers beside it; series also differ by dash pattern and markers
//! have text, so that nothing is told by colour alone.

use std::fmt::Write as _;

const W: f64 = 640.0;
const H: f64 = 220.0;
const LEFT: f64 = 40.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 22.0;
const BOTTOM: f64 = 28.0;

/// Text for SVG content and attributes.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One line of a line chart: `(x, y)` points, `None` y breaks the line.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    /// A CSS class (`s0`…`s8`) giving colour and dash pattern.
    pub class: String,
    pub points: Vec<(i64, Option<f64>)>,
}

/// A legend for `series`: each name beside a sample of its line (the samples are
/// decoration, hidden from assistive technology; the names are the text).
pub fn legend(series: &[Series]) -> String {
    let mut out = String::from("<ul class=\"legend\">");
    for s in series {
        let _ = write!(
            out,
            "<li><svg class=\"key\" width=\"28\" height=\"10\" aria-hidden=\"true\" focusable=\"false\">\
             <g class=\"series {c}\"><polyline points=\"1,5 27,5\"/></g></svg>{n}</li>",
            c = esc(&s.class),
            n = esc(&s.name),
        );
    }
    out.push_str("</ul>");
    out
}

/// A labelled vertical marker (a level change) at time `x`.
#[derive(Debug, Clone)]
pub struct Marker {
    pub x: i64,
    pub label: String,
}

fn open(out: &mut String, class: &str, title: &str, desc: &str) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart {class}\" viewBox=\"0 0 {W} {H}\" \
         role=\"img\" aria-labelledby=\"{id}-t {id}-d\" preserveAspectRatio=\"xMidYMid meet\">\
         <title id=\"{id}-t\">{t}</title><desc id=\"{id}-d\">{d}</desc>",
        id = esc(class),
        t = esc(title),
        d = esc(desc),
    );
}

fn day(t: i64) -> String {
    crate::time::rfc3339(t).chars().take(10).collect()
}

/// Axes: a frame with y ticks at 0, 50 and `y_max`, and the first and last dates.
fn axes(out: &mut String, x0: i64, x1: i64, y_max: f64, y_label: &str) {
    let bottom = H - BOTTOM;
    for v in [0.0, y_max / 2.0, y_max] {
        let y = bottom - (v / y_max) * (H - TOP - BOTTOM);
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{x2}\" y2=\"{y:.1}\"/>\
             <text class=\"tick\" x=\"{tx}\" y=\"{ty:.1}\" text-anchor=\"end\">{v}</text>",
            x2 = W - RIGHT,
            tx = LEFT - 4.0,
            ty = y + 4.0,
            v = v.round(),
        );
    }
    let _ = write!(
        out,
        "<text class=\"tick\" x=\"{LEFT}\" y=\"{y}\">{a}</text>\
         <text class=\"tick\" x=\"{x}\" y=\"{y}\" text-anchor=\"end\">{b}</text>\
         <text class=\"tick\" x=\"4\" y=\"12\">{l}</text>",
        y = H - 8.0,
        x = W - RIGHT,
        a = day(x0),
        b = day(x1),
        l = esc(y_label),
    );
}

fn scale_x(t: i64, x0: i64, x1: i64) -> f64 {
    let span = (x1 - x0).max(1) as f64;
    LEFT + ((t - x0) as f64 / span) * (W - LEFT - RIGHT)
}

fn scale_y(v: f64, y_max: f64) -> f64 {
    let v = v.clamp(0.0, y_max);
    (H - BOTTOM) - (v / y_max) * (H - TOP - BOTTOM)
}

/// A line chart of scores (0–100) over time, with level changes marked.
pub fn line_chart(
    id: &str,
    title: &str,
    desc: &str,
    series: &[Series],
    markers: &[Marker],
) -> String {
    let xs = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .chain(markers.iter().map(|m| m.x));
    let (x0, x1) = xs.fold((i64::MAX, i64::MIN), |(a, b), x| (a.min(x), b.max(x)));
    let mut out = String::new();
    open(&mut out, id, title, desc);
    if x0 > x1 {
        out.push_str("<text class=\"empty\" x=\"50%\" y=\"50%\" text-anchor=\"middle\">no reports yet</text></svg>");
        return out;
    }
    axes(&mut out, x0, x1, 100.0, "score");
    for m in markers {
        let x = scale_x(m.x, x0, x1);
        // Labels near the right edge go to the left of their line.
        let (tx, anchor) = if x > W * 0.7 {
            (x - 3.0, "end")
        } else {
            (x + 3.0, "start")
        };
        let _ = write!(
            out,
            "<g class=\"marker\"><title>{l}</title><line x1=\"{x:.1}\" y1=\"{TOP}\" x2=\"{x:.1}\" y2=\"{b}\"/>\
             <text x=\"{tx:.1}\" y=\"{ty}\" text-anchor=\"{anchor}\">{l}</text></g>",
            l = esc(&m.label),
            b = H - BOTTOM,
            ty = TOP - 4.0,
        );
    }
    for s in series {
        let _ = write!(
            out,
            "<g class=\"series {c}\"><title>{n}</title>",
            c = esc(&s.class),
            n = esc(&s.name)
        );
        let mut run: Vec<(f64, f64)> = Vec::new();
        let flush = |run: &mut Vec<(f64, f64)>, out: &mut String| {
            match run.as_slice() {
                [] => {}
                [(x, y)] => {
                    let _ = write!(out, "<circle r=\"2.5\" cx=\"{x:.1}\" cy=\"{y:.1}\"/>");
                }
                many => {
                    let pts: Vec<String> =
                        many.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
                    let _ = write!(out, "<polyline points=\"{}\"/>", pts.join(" "));
                }
            }
            run.clear();
        };
        for (t, v) in &s.points {
            match v.filter(|v| v.is_finite()) {
                Some(v) => run.push((scale_x(*t, x0, x1), scale_y(v, 100.0))),
                None => flush(&mut run, &mut out),
            }
        }
        flush(&mut run, &mut out);
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

/// One column of a stacked bar chart: a time and the count of each category.
#[derive(Debug, Clone)]
pub struct Stack {
    pub x: i64,
    /// `(category class, label, count)`, bottom first.
    pub parts: Vec<(String, String, i64)>,
}

/// Stacked bars over time (the fleet's level distribution).
pub fn stacked_bars(id: &str, title: &str, desc: &str, stacks: &[Stack]) -> String {
    let mut out = String::new();
    open(&mut out, id, title, desc);
    if stacks.is_empty() {
        out.push_str("<text class=\"empty\" x=\"50%\" y=\"50%\" text-anchor=\"middle\">no reports yet</text></svg>");
        return out;
    }
    let y_max = stacks
        .iter()
        .map(|s| s.parts.iter().map(|p| p.2).sum::<i64>())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let x0 = stacks.first().map_or(0, |s| s.x);
    let x1 = stacks.last().map_or(0, |s| s.x);
    axes(&mut out, x0, x1, y_max, "units");
    let slot = (W - LEFT - RIGHT) / stacks.len() as f64;
    let bar = (slot * 0.7).max(1.0);
    for (i, s) in stacks.iter().enumerate() {
        let x = LEFT + slot * i as f64 + (slot - bar) / 2.0;
        let mut base = 0i64;
        for (class, label, n) in &s.parts {
            if *n == 0 {
                continue;
            }
            let y_top = scale_y((base + n) as f64, y_max);
            let y_bottom = scale_y(base as f64, y_max);
            let _ = write!(
                out,
                "<rect class=\"{c}\" x=\"{x:.1}\" y=\"{y_top:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\">\
                 <title>{d}: {n} {l}</title></rect>",
                c = esc(class),
                h = (y_bottom - y_top).max(0.0),
                d = day(s.x),
                l = esc(label),
            );
            base += n;
        }
    }
    out.push_str("</svg>");
    out
}

/// A burn-up: units at target over time against the units in scope, with the
/// deadline marked.
pub fn burn_up(
    id: &str,
    title: &str,
    desc: &str,
    points: &[(i64, i64, i64)],
    deadline: Option<i64>,
) -> String {
    let mut out = String::new();
    open(&mut out, id, title, desc);
    if points.is_empty() {
        out.push_str("<text class=\"empty\" x=\"50%\" y=\"50%\" text-anchor=\"middle\">no progress recorded yet</text></svg>");
        return out;
    }
    let x0 = points.iter().map(|p| p.0).min().unwrap_or(0);
    let x1 = points
        .iter()
        .map(|p| p.0)
        .chain(deadline)
        .max()
        .unwrap_or(0);
    let y_max = points
        .iter()
        .map(|p| p.2.max(p.1))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    axes(&mut out, x0, x1, y_max, "units");
    let line = |sel: fn(&(i64, i64, i64)) -> i64| -> String {
        points
            .iter()
            .map(|p| {
                format!(
                    "{:.1},{:.1}",
                    scale_x(p.0, x0, x1),
                    scale_y(sel(p) as f64, y_max)
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let _ = write!(
        out,
        "<g class=\"series scope\"><title>units in scope</title><polyline points=\"{}\"/></g>\
         <g class=\"series done\"><title>units at target</title><polyline points=\"{}\"/></g>",
        line(|p| p.2),
        line(|p| p.1),
    );
    if points.len() == 1 {
        let p = points[0];
        let _ = write!(
            out,
            "<circle class=\"done-dot\" r=\"3\" cx=\"{:.1}\" cy=\"{:.1}\"/>",
            scale_x(p.0, x0, x1),
            scale_y(p.1 as f64, y_max)
        );
    }
    if let Some(d) = deadline {
        let x = scale_x(d, x0, x1);
        let _ = write!(
            out,
            "<g class=\"marker deadline\"><title>deadline {day}</title>\
             <line x1=\"{x:.1}\" y1=\"{TOP}\" x2=\"{x:.1}\" y2=\"{b}\"/>\
             <text x=\"{tx:.1}\" y=\"{ty}\" text-anchor=\"end\">deadline</text></g>",
            day = day(d),
            b = H - BOTTOM,
            tx = x - 3.0,
            ty = TOP + 10.0,
        );
    }
    out.push_str("</svg>");
    out
}

/// A stand-alone level badge (`shipshape | gold`), shields.io-style. It is an
/// image of its own, so colours are presentation attributes.
pub fn badge(level: Option<&str>, score: Option<f64>) -> String {
    let label = "shipshape";
    let value = match (level, score.filter(|s| s.is_finite())) {
        (Some(l), Some(s)) => format!("{l} {s:.0}"),
        (Some(l), None) => l.to_string(),
        (None, Some(s)) => format!("below bronze {s:.0}"),
        (None, None) => "no level".to_string(),
    };
    let colour = match level {
        Some("gold") => "#9a6700",
        Some("silver") => "#59636e",
        Some("bronze") => "#8a4b1f",
        _ => "#cf222e",
    };
    // Verdana 11px averages ~6.5px per character.
    let lw = 10.0 + label.len() as f64 * 6.5;
    let vw = 10.0 + value.chars().count() as f64 * 6.5;
    let w = lw + vw;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"20\" role=\"img\" \
         aria-label=\"{label}: {v}\"><title>{label}: {v}</title>\
         <rect width=\"{lw:.0}\" height=\"20\" fill=\"#555\"/>\
         <rect x=\"{lw:.0}\" width=\"{vw:.0}\" height=\"20\" fill=\"{colour}\"/>\
         <g fill=\"#fff\" font-family=\"Verdana,DejaVu Sans,sans-serif\" font-size=\"11\">\
         <text x=\"5\" y=\"14\">{label}</text><text x=\"{vx:.0}\" y=\"14\">{v}</text></g></svg>",
        v = esc(&value),
        vx = lw + 5.0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_chart_has_a_text_equivalent_and_escapes_names() {
        let svg = line_chart(
            "history",
            "Score <per> area",
            "desc & more",
            &[Series {
                name: "<script>".into(),
                class: "s0".into(),
                points: vec![(0, Some(10.0)), (86400, Some(90.0)), (172800, None)],
            }],
            &[Marker {
                x: 86400,
                label: "bronze → silver".into(),
            }],
        );
        assert!(svg.contains("<title id=\"history-t\">Score &lt;per&gt; area</title>"));
        assert!(svg.contains("<desc id=\"history-d\">desc &amp; more</desc>"));
        assert!(
            svg.contains("<polyline points=\"40.0,175.0 334.0,39.0\"/>"),
            "{svg}"
        );
        assert!(svg.contains("&lt;script&gt;") && !svg.contains("<script>"));
        assert!(svg.contains("bronze → silver"));
        assert!(!svg.contains("style="));
    }

    #[test]
    fn empty_charts_say_so() {
        assert!(line_chart("a", "t", "d", &[], &[]).contains("no reports yet"));
        assert!(stacked_bars("b", "t", "d", &[]).contains("no reports yet"));
        assert!(burn_up("c", "t", "d", &[], None).contains("no progress"));
    }

    #[test]
    fn stacked_bars_label_every_part() {
        let svg = stacked_bars(
            "trend",
            "t",
            "d",
            &[Stack {
                x: 0,
                parts: vec![
                    ("level-none".into(), "below bronze".into(), 1),
                    ("level-gold".into(), "gold".into(), 3),
                ],
            }],
        );
        assert!(svg.contains("<title>1970-01-01: 3 gold</title>"), "{svg}");
        assert_eq!(svg.matches("<rect").count(), 2);
    }

    #[test]
    fn badges_name_the_level_in_text() {
        let b = badge(Some("gold"), Some(91.4));
        assert!(b.contains("shipshape: gold 91"));
        assert!(badge(None, None).contains("no level"));
    }
}
