//! The picture in docs/performance.md: saved latency curves ([`crate::curve`]) drawn as one SVG,
//! one panel per scenario, one colour per server, one thin line per run, so that the spread
//! between runs shows as the width of each colour's band.
//!
//! Each panel is a cumulative distribution: across, the latency (log scale, since the servers
//! differ by orders of magnitude); up, the share of deliveries that had arrived within it. A
//! curve further left is faster; a curve that bends right at the top has a long tail.
//!
//! Drawn with `plotters`' SVG backend only: text goes into the file as `<text>` for the viewer's
//! own fonts, so drawing needs no font on this machine (the crate's `ttf` feature is left off).

use crate::curve::Curve;
use plotters::prelude::*;

/// The picture's size in pixels: two panels side by side read well at a page's width.
const WIDTH: u32 = 1000;
const HEIGHT: u32 = 420;

/// Colours by server, in the order servers first appear: Go's own blue for the Go original,
/// then orange and a dark green, which stay apart for the commonest colour blindness.
const PALETTE: [RGBColor; 4] = [
    RGBColor(0, 125, 156),
    RGBColor(230, 120, 0),
    RGBColor(30, 110, 50),
    RGBColor(120, 60, 160),
];

/// Below this, a latency is drawn at it: a log scale has no zero.
const FLOOR_MS: f64 = 0.01;

/// Draws every curve into an SVG file at `path`.
pub fn draw(curves: &[Curve], path: &str) -> Result<(), String> {
    let labels = in_order(curves.iter().map(|c| c.label.as_str()));
    let servers = in_order(curves.iter().map(|c| c.server.as_str()));
    if labels.is_empty() {
        return Err("no curves to draw".to_string());
    }
    let root = SVGBackend::new(path, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let panels = root.split_evenly((1, labels.len()));
    for (panel, label) in panels.iter().zip(&labels) {
        let mine: Vec<&Curve> = curves.iter().filter(|c| c.label == *label).collect();
        draw_panel(panel, label, &mine, &servers).map_err(|e| format!("drawing {path}: {e}"))?;
    }
    root.present().map_err(|e| format!("writing {path}: {e}"))
}

/// One scenario's panel: its runs, coloured by server, with a legend naming each server once.
fn draw_panel<DB: DrawingBackend>(
    panel: &DrawingArea<DB, plotters::coord::Shift>,
    label: &str,
    curves: &[&Curve],
    servers: &[&str],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (low, high) = latency_range(curves);
    let mut chart = ChartBuilder::on(panel)
        .caption(label, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d((low..high).log_scale(), 0.0..1.0)?;
    chart
        .configure_mesh()
        .x_desc("latency, ms (log scale)")
        .y_desc("share of deliveries")
        .x_label_formatter(&|ms| axis_ms(*ms))
        .label_style(("sans-serif", 14))
        .axis_desc_style(("sans-serif", 15))
        .draw()?;
    let mut named = Vec::new();
    for curve in curves {
        let index = servers.iter().position(|s| *s == curve.server).unwrap_or(0);
        let colour = PALETTE[index % PALETTE.len()];
        let points = curve.points().map(|(ms, share)| (ms.max(low), share));
        let series = chart.draw_series(LineSeries::new(points, colour.stroke_width(1)))?;
        if !named.contains(&curve.server) {
            named.push(curve.server.clone());
            series.label(curve.server.as_str()).legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(3))
            });
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()
}

/// The panel's latency axis: from the fastest delivery to the slowest, a little beyond.
fn latency_range(curves: &[&Curve]) -> (f64, f64) {
    let all = curves.iter().flat_map(|c| c.ms.iter().copied());
    let (low, high) = all.fold((f64::MAX, FLOOR_MS), |(lo, hi), ms| {
        (lo.min(ms), hi.max(ms))
    });
    let low = low.max(FLOOR_MS).min(high);
    (low / 1.2, high * 1.2)
}

/// A tick's label: whole milliseconds from 10 up, two significant digits below.
fn axis_ms(ms: f64) -> String {
    if ms >= 10.0 {
        format!("{ms:.0}")
    } else {
        let decimals = (1.0 - ms.log10().floor()).max(0.0) as usize;
        format!("{ms:.decimals$}")
    }
}

/// Each distinct name once, in the order of first appearance.
fn in_order<'a>(names: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen: Vec<&str> = Vec::new();
    for name in names {
        if !seen.contains(&name) {
            seen.push(name);
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn curve(label: &str, server: &str, scale: f64) -> Curve {
        let ms = (1..=100).map(|i| i as f64 * scale).collect();
        Curve {
            label: label.into(),
            server: server.into(),
            ms,
        }
    }

    #[test]
    fn draws_one_panel_per_scenario_and_names_each_server_once() {
        let path = std::env::temp_dir().join(format!("loadgen-plot-{}.svg", std::process::id()));
        let path = path.to_str().expect("a UTF-8 temp dir");
        let curves = [
            curve("burst", "go", 10.0),
            curve("burst", "go", 11.0),
            curve("burst", "ours", 0.1),
            curve("classroom", "go", 1.0),
        ];
        draw(&curves, path).expect("the SVG is written");
        let svg = std::fs::read_to_string(path).expect("the SVG reads back");
        std::fs::remove_file(path).expect("the test's SVG is removed");
        assert!(svg.starts_with("<svg"), "{svg:.100}");
        for text in ["burst", "classroom", "go", "ours", "share of deliveries"] {
            assert!(
                svg.contains(&format!(">\n{text}\n<")),
                "the picture shows {text}"
            );
        }
        assert_eq!(
            svg.matches(">\ngo\n<").count(),
            2,
            "go once in each panel's legend"
        );
        let lines_in = |colour: RGBColor| {
            let (r, g, b) = colour.rgb();
            svg.matches(&format!("stroke=\"#{r:02X}{g:02X}{b:02X}\""))
                .count()
        };
        assert_eq!(
            lines_in(PALETTE[0]),
            3 + 2,
            "go: 3 runs, a legend in each panel"
        );
        assert_eq!(lines_in(PALETTE[1]), 1 + 1, "ours: 1 run and its legend");
    }

    #[test]
    fn ticks_read_as_plain_milliseconds() {
        let ticks: Vec<String> = [0.05, 0.3, 1.0, 2.5, 20.0, 16_000.0].map(axis_ms).into();
        assert_eq!(ticks, ["0.050", "0.30", "1.0", "2.5", "20", "16000"]);
    }

    #[test]
    fn nothing_to_draw_is_an_error() {
        assert!(draw(&[], "unused.svg").is_err());
    }

    #[test]
    fn the_axis_covers_every_latency_and_never_reaches_zero() {
        let fast = curve("a", "x", 0.0);
        let slow = curve("a", "y", 5.0);
        let (low, high) = latency_range(&[&fast, &slow]);
        assert!(low > 0.0 && low < FLOOR_MS, "{low}");
        assert!(high > 500.0, "{high}");
    }
}
