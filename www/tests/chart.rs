//! The live chart's numbers: taken from payloads or JSON fields, scaled into the plot box.

use wasmqtt_app::chart::{plot, value_of};

#[test]
fn a_number_comes_from_the_payload_or_a_json_field() {
    assert_eq!(value_of(b" 21.5\n", ""), Some(21.5));
    assert_eq!(value_of(b"-3", ""), Some(-3.0));
    assert_eq!(value_of(b"true", ""), Some(1.0));
    assert_eq!(value_of(b"warm", ""), None);
    assert_eq!(value_of(b"NaN", ""), None, "not plottable");
    assert_eq!(value_of(b"inf", ""), None);
    assert_eq!(value_of(&[0xff, 0x31], ""), None, "not UTF-8");
    let json = br#"{"data": {"temp": 19.25, "ok": false, "s": " 4 "}, "readings": [5, 6]}"#;
    assert_eq!(value_of(json, "data.temp"), Some(19.25));
    assert_eq!(value_of(json, " data.ok "), Some(0.0));
    assert_eq!(value_of(json, "data.s"), Some(4.0), "a number in a string");
    assert_eq!(value_of(json, "readings.1"), Some(6.0));
    assert_eq!(value_of(json, "readings.2"), None);
    assert_eq!(value_of(json, "data"), None, "an object is no number");
    assert_eq!(value_of(json, "data.temp.x"), None);
    assert_eq!(value_of(b"12", "data"), None, "a field of something that is not an object");
}

#[test]
fn samples_are_scaled_time_left_to_right_and_the_smallest_at_the_bottom() {
    let p = plot(&[(1000.0, 10.0), (2000.0, 30.0), (3000.0, 20.0)], 500, 200.0, 100.0);
    assert_eq!(p.points, "0.0,100.0 100.0,0.0 200.0,50.0");
    assert_eq!((p.min, p.max, p.count, p.last), (10.0, 30.0, 3, Some(20.0)));
    let flat = plot(&[(0.0, 5.0), (10.0, 5.0)], 500, 200.0, 100.0);
    assert_eq!(flat.points, "0.0,50.0 200.0,50.0", "a flat series across the middle");
    let one = plot(&[(7.0, 1.0)], 500, 200.0, 100.0);
    assert_eq!(one.points, "200.0,50.0");
    let none = plot(&[], 500, 200.0, 100.0);
    assert_eq!((none.points.as_str(), none.count, none.last), ("", 0, None));
    let many: Vec<(f64, f64)> = (0..1000).map(|i| (f64::from(i), f64::from(i))).collect();
    let last = plot(&many, 100, 200.0, 100.0);
    assert_eq!((last.count, last.min, last.max), (100, 900.0, 999.0), "only the newest");
}
