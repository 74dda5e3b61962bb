//! The live chart: a number taken from each message on one topic (the payload itself, or a
//! field of a JSON payload), plotted over time as an SVG polyline.

/// A number from `payload`: with an empty `field`, the payload as a number (`21.5`, ` 7 `,
/// `true` as 1); otherwise the field of the JSON payload at that dot path (`data.temp`,
/// `readings.0` for an array's first item). Whatever is not a finite number gives `None`.
pub fn value_of(payload: &[u8], field: &str) -> Option<f64> {
    let text = std::str::from_utf8(payload).ok()?.trim();
    let field = field.trim();
    if field.is_empty() {
        return match text {
            "true" => Some(1.0),
            "false" => Some(0.0),
            _ => text.parse::<f64>().ok().filter(|v| v.is_finite()),
        };
    }
    let json: serde_json::Value = serde_json::from_str(text).ok()?;
    let mut at = &json;
    for step in field.split('.') {
        at = match at {
            serde_json::Value::Object(map) => map.get(step)?,
            serde_json::Value::Array(items) => items.get(step.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    match at {
        serde_json::Value::Number(n) => n.as_f64().filter(|v| v.is_finite()),
        serde_json::Value::Bool(b) => Some(f64::from(u8::from(*b))),
        serde_json::Value::String(s) => s.trim().parse::<f64>().ok().filter(|v| v.is_finite()),
        _ => None,
    }
}

/// A series scaled into a box, ready for SVG.
#[derive(Debug, Clone, PartialEq)]
pub struct Plot {
    /// The polyline's `points`: `x,y` pairs, time left to right, the smallest value at the
    /// bottom.
    pub points: String,
    /// The smallest and largest values plotted.
    pub min: f64,
    /// See `min`.
    pub max: f64,
    /// How many samples were plotted.
    pub count: usize,
    /// The newest value.
    pub last: Option<f64>,
}

/// The last `limit` samples (time in ms, value) scaled into `width` × `height`. A flat series
/// is drawn across the middle; one sample as a single point at the right.
pub fn plot(samples: &[(f64, f64)], limit: usize, width: f64, height: f64) -> Plot {
    let samples = &samples[samples.len().saturating_sub(limit)..];
    let (min, max) = samples
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &(_, v)| (lo.min(v), hi.max(v)));
    let (t0, t1) = match (samples.first(), samples.last()) {
        (Some(first), Some(last)) => (first.0, last.0),
        _ => (0.0, 0.0),
    };
    let x = |t: f64| if t1 > t0 { (t - t0) / (t1 - t0) * width } else { width };
    let y =
        |v: f64| if max > min { height - (v - min) / (max - min) * height } else { height / 2.0 };
    let points = samples
        .iter()
        .map(|&(t, v)| format!("{:.1},{:.1}", x(t), y(v)))
        .collect::<Vec<_>>()
        .join(" ");
    Plot {
        points,
        min: if samples.is_empty() { 0.0 } else { min },
        max: if samples.is_empty() { 0.0 } else { max },
        count: samples.len(),
        last: samples.last().map(|&(_, v)| v),
    }
}
