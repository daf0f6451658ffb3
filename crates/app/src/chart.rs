//! The summary's chart: answers, meetings, coverage and the imported NPS
//! (with its responses) over recent weeks,
//! drawn with plotters and the DejaVu Sans font shipped in src/fonts (so
//! no system fonts are needed), encoded as PNG.

use std::sync::Once;

use plotters::prelude::*;
use plotters::style::FontStyle;

/// One week's point on the chart.
#[derive(Clone, Debug, PartialEq)]
pub struct WeekPoint {
    pub label: String,
    pub answers: i64,
    pub meetings: i64,
    pub coverage_pct: Option<f64>,
    /// Imported NPS that week, and its responses.
    pub nps: Option<f64>,
    pub nps_responses: i64,
}

/// The chart's words, from prompts/texts.toml (`[chart]`).
#[derive(Clone, Debug)]
pub struct Labels {
    pub caption: String,
    pub caption_with_nps: String,
    pub answers: String,
    pub meetings: String,
    pub coverage: String,
    pub nps: String,
    pub count_axis: String,
    pub percent_axis: String,
}

impl Labels {
    pub fn from_texts(t: &crate::prompts::Texts) -> Labels {
        Labels {
            caption: t.text("chart.caption"),
            caption_with_nps: t.text("chart.caption_with_nps"),
            answers: t.text("chart.answers"),
            meetings: t.text("chart.meetings"),
            coverage: t.text("chart.coverage"),
            nps: t.text("chart.nps"),
            count_axis: t.text("chart.count_axis"),
            percent_axis: t.text("chart.percent_axis"),
        }
    }
}

const WIDTH: u32 = 800;
const HEIGHT: u32 = 400;
const FONT: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The font is compiled in; failing to parse it is a build defect.
        if plotters::style::register_font("sans-serif", FontStyle::Normal, FONT).is_err() {
            tracing::error!("the shipped chart font does not parse; charts will have no text");
        }
    });
}

/// Bars of answers and meetings per week; coverage (%) and the imported
/// NPS as lines on the right axis (from -100 when an NPS is negative),
/// each week's NPS responses under its label.
pub fn weekly_png(points: &[WeekPoint], words: &Labels) -> anyhow::Result<Vec<u8>> {
    register_font();
    let mut rgb = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let n = points.len().max(1);
        let top = points.iter().map(|p| p.answers.max(p.meetings)).max().unwrap_or(0).max(1) as f64 * 1.15;
        let caption = match points.iter().any(|p| p.nps.is_some()) {
            true => &words.caption_with_nps,
            false => &words.caption,
        };
        let bottom = if points.iter().any(|p| p.nps.is_some_and(|v| v < 0.0)) { -100.0 } else { 0.0 };
        let mut chart = ChartBuilder::on(&root)
            .caption(caption.as_str(), ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(44)
            .right_y_label_area_size(60)
            .build_cartesian_2d(0f64..n as f64, 0f64..top)
            .map_err(plot_error)?
            .set_secondary_coord(0f64..n as f64, bottom..100f64);
        let labels: Vec<String> = points
            .iter()
            .map(|p| match p.nps {
                Some(_) => format!("{} (n={})", p.label, p.nps_responses),
                None => p.label.clone(),
            })
            .collect();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&|x| labels.get(x.floor() as usize).cloned().unwrap_or_default())
            .y_desc(words.count_axis.as_str())
            .y_label_formatter(&|v| format!("{v:.0}"))
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(plot_error)?;
        chart
            .configure_secondary_axes()
            .y_desc(words.percent_axis.as_str())
            .y_label_formatter(&|v| format!("{v:.0}"))
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(plot_error)?;
        let bar =
            |offset: f64, value: i64, i: usize| [(i as f64 + offset, 0.0), (i as f64 + offset + 0.35, value as f64)];
        let answers = RGBColor(59, 130, 246);
        let meetings = RGBColor(16, 185, 129);
        chart
            .draw_series(
                points.iter().enumerate().map(|(i, p)| Rectangle::new(bar(0.1, p.answers, i), answers.filled())),
            )
            .map_err(plot_error)?
            .label(words.answers.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], answers.filled()));
        chart
            .draw_series(
                points.iter().enumerate().map(|(i, p)| Rectangle::new(bar(0.5, p.meetings, i), meetings.filled())),
            )
            .map_err(plot_error)?
            .label(words.meetings.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], meetings.filled()));
        let coverage: Vec<(f64, f64)> =
            points.iter().enumerate().filter_map(|(i, p)| Some((i as f64 + 0.5, p.coverage_pct?))).collect();
        chart
            .draw_secondary_series(LineSeries::new(coverage, RED.stroke_width(2)))
            .map_err(plot_error)?
            .label(words.coverage.as_str())
            .legend(|(x, y)| PathElement::new([(x, y), (x + 12, y)], RED.stroke_width(2)));
        let nps: Vec<(f64, f64)> =
            points.iter().enumerate().filter_map(|(i, p)| Some((i as f64 + 0.5, p.nps?))).collect();
        if !nps.is_empty() {
            let purple = RGBColor(124, 58, 237);
            chart
                .draw_secondary_series(LineSeries::new(nps, purple.stroke_width(2)).point_size(3))
                .map_err(plot_error)?
                .label(words.nps.as_str())
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 12, y)], purple.stroke_width(2)));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .label_font(("sans-serif", 13))
            .draw()
            .map_err(plot_error)?;
        root.present().map_err(plot_error)?;
    }
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.write_header()?.write_image_data(&rgb)?;
    Ok(png)
}

fn plot_error<E: std::fmt::Debug>(e: E) -> anyhow::Error {
    anyhow::anyhow!("drawing the chart failed: {e:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words() -> Labels {
        Labels::from_texts(&crate::prompts::load_from(&crate::prompts::Origin::Shipped).unwrap().texts)
    }

    #[test]
    fn a_chart_is_a_png_of_the_stated_size() {
        let points: Vec<WeekPoint> = (0..8)
            .map(|i| WeekPoint {
                label: format!("W{}", 40 + i),
                answers: i * 3,
                meetings: i,
                coverage_pct: Some(10.0 * i as f64),
                nps: (i > 2).then_some(-20.0 + 10.0 * i as f64),
                nps_responses: 30,
            })
            .collect();
        let png = weekly_png(&points, &words()).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let decoder = png::Decoder::new(png.as_slice());
        let info = decoder.read_info().unwrap().info().clone();
        assert_eq!((info.width, info.height), (WIDTH, HEIGHT));
    }

    #[test]
    fn an_empty_history_still_draws() {
        assert!(weekly_png(&[], &words()).is_ok());
    }
}
