//! The table of hostile rule files (issue 13): shared by the tests
//! (`tests/hostile.rs`: each ends as an error outcome) and the benchmark
//! (`benches/hostile.rs`: what each costs per person).

/// Hostile rule files: (name, source). Each must end as an error outcome.
pub const HOSTILE: &[(&str, &str)] = &[
    ("endless loop", "loop { }"),
    ("endless while", "let x = 0; while true { x += 1; }"),
    ("endless do", "do { } while true;"),
    ("long range", "let x = 0; for i in 0..1000000000 { x = i; }"),
    ("recursion", "fn deeper(n) { deeper(n + 1) } deeper(0);"),
    (
        "closure chain",
        "let f = |x| x; loop { let g = f; f = |x| g.call(x); }",
    ),
    ("nested array", "let a = []; loop { a = [a]; }"),
    (
        "nested array as text",
        "let a = []; for i in 0..900 { a = [a]; } let s = a.to_string(); loop { s += s; }",
    ),
    ("nested map", "let m = #{}; loop { m = #{ inner: m }; }"),
    ("doubling array", "let a = [1]; loop { a += a; }"),
    ("doubling string", "let s = \"x\"; loop { s += s; }"),
    (
        "push and pop",
        "let a = []; for i in 0..999 { a.push(i); } loop { a.pop(); a.push(1); }",
    ),
    (
        "proposals in a loop",
        "loop { propose_level(1, \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"); }",
    ),
    (
        "evidence in a loop",
        "loop { propose_level(1, \"x\", [person.events, person.events, person.events]); }",
    ),
    (
        "long texts",
        "let t = \"x\"; for i in 0..13 { t += t; } loop { propose_level(1, t); }",
    ),
    ("padding", "let s = \"x\"; s.pad(2000000000, \"y\");"),
    ("array padding", "let a = []; a.pad(2000000000, 1);"),
    (
        "date far ahead",
        "let d = as_of.add_days(9223372036854775807);",
    ),
    (
        "months far back",
        "let d = as_of.add_months(-9223372036854775807);",
    ),
    (
        "age before birth",
        "let a = person.age_on(date(\"1900-01-01\"));",
    ),
];
