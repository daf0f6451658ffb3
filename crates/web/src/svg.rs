//! Small charts drawn as SVG on the server: no script, no external
//! files, and each is described by a table beside it for screen readers.

use std::fmt::Write as _;

use app::report::show;

const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 96.0;
/// Room under the bars for the first and last week's labels.
const AXIS: f64 = 16.0;

/// A bar per point (none drawn where a value is missing), scaled to the
/// largest; `title` names the chart for assistive technology.
pub fn bars(title: &str, points: &[(String, Option<f64>)]) -> String {
    let top = points.iter().filter_map(|(_, v)| *v).fold(0.0_f64, f64::max);
    let slot = WIDTH / points.len().max(1) as f64;
    let room = HEIGHT - AXIS;
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{}"><title>{}</title>"#,
        escape(title),
        escape(title)
    );
    for (i, (label, value)) in points.iter().enumerate() {
        let Some(v) = value else { continue };
        let h = if top > 0.0 { (v / top * room).max(1.0) } else { 1.0 };
        let x = i as f64 * slot + slot * 0.15;
        let _ = write!(
            svg,
            r#"<rect x="{x:.1}" y="{:.1}" width="{:.1}" height="{h:.1}" fill="{}"><title>{}: {}</title></rect>"#,
            room - h,
            slot * 0.7,
            if i + 1 == points.len() { "#1d4ed8" } else { "#93c5fd" },
            escape(label),
            show(Some(v))
        );
    }
    for (i, anchor) in [(0, "start"), (points.len().saturating_sub(1), "end")] {
        if let Some((label, _)) = points.get(i) {
            let x = if anchor == "start" { 0.0 } else { WIDTH };
            let _ = write!(
                svg,
                r##"<text x="{x}" y="{HEIGHT}" font-size="11" text-anchor="{anchor}" fill="#475569">{}</text>"##,
                escape(label)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_value_fills_the_height_and_missing_ones_draw_nothing() {
        let svg = bars("Answers", &[("W1".into(), Some(5.0)), ("W2".into(), None), ("W3".into(), Some(10.0))]);
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains(&format!(r#"height="{:.1}""#, HEIGHT - AXIS)), "{svg}");
        assert!(svg.contains("<title>W3: 10</title>"));
    }

    #[test]
    fn labels_cannot_break_out_of_the_markup() {
        let svg = bars("<script>", &[("\"><b>".into(), Some(1.0))]);
        assert!(!svg.contains("<script>") && !svg.contains("\"><b>"), "{svg}");
    }
}
