//! Accuracy on a generated, labelled corpus: precision and recall must both be >= 0.97.

#[path = "support/corpus.rs"]
mod corpus;

use shipshape_secrets::Engine;

#[test]
fn precision_and_recall_on_a_generated_corpus() {
    let c = corpus::generate(0x5eed, 400);
    let kinds: std::collections::HashSet<&str> = c.labels.iter().map(|l| l.kind.as_str()).collect();
    assert!(
        c.labels.len() >= 300,
        "only {} secrets planted",
        c.labels.len()
    );
    assert!(
        c.decoys.len() >= 300,
        "only {} decoys planted",
        c.decoys.len()
    );
    assert!(kinds.len() >= 40, "only {} kinds", kinds.len());

    let engine = Engine::new(&[], &[]).expect("built-in rules compile");
    let findings: Vec<(String, u32)> = c
        .files
        .iter()
        .flat_map(|(path, text)| engine.scan(path, text.as_bytes()))
        .map(|m| (m.path, m.line))
        .collect();
    let (score, fps, missed) = corpus::score(&c.labels, &findings);
    let fp_detail: Vec<String> = fps
        .iter()
        .take(20)
        .map(|(p, l)| {
            let text = &c
                .files
                .iter()
                .find(|(fp, _)| fp == p)
                .map(|(_, t)| t.as_str())
                .unwrap_or("");
            let line = text.lines().nth(*l as usize - 1).unwrap_or("");
            format!("FP {p}:{l}: {}", line.chars().take(90).collect::<String>())
        })
        .collect();
    let fn_detail: Vec<String> = missed
        .iter()
        .take(20)
        .map(|l| {
            let text = &c
                .files
                .iter()
                .find(|(fp, _)| *fp == l.path)
                .map(|(_, t)| t.as_str())
                .unwrap_or("");
            let line = text.lines().nth(l.line as usize - 1).unwrap_or("");
            format!(
                "FN {} {}:{}: {}",
                l.kind,
                l.path,
                l.line,
                line.chars().take(60).collect::<String>()
            )
        })
        .collect();
    println!(
        "labels {} decoys {} tp {} fp {} fn {} precision {:.4} recall {:.4}",
        c.labels.len(),
        c.decoys.len(),
        score.true_positives,
        score.false_positives,
        score.false_negatives,
        score.precision(),
        score.recall()
    );
    for d in fp_detail.iter().chain(&fn_detail) {
        println!("{d}");
    }
    assert!(
        score.precision() >= 0.97 && score.recall() >= 0.97,
        "precision {:.4} recall {:.4}\n{}\n{}",
        score.precision(),
        score.recall(),
        fp_detail.join("\n"),
        fn_detail.join("\n")
    );
}

#[test]
fn keyword_windows_find_exactly_what_whole_file_regexes_find() {
    // The engine runs most rules only on the lines around their keyword hits; on the
    // labelled corpus (secrets, decoys, dense files) that must change nothing.
    let c = corpus::generate(0x5eed, 400);
    let engine = Engine::new(&[], &[]).expect("built-in rules compile");
    let mut compared = 0;
    for (path, text) in &c.files {
        let windowed = engine.scan(path, text.as_bytes());
        let whole = engine.scan_whole_files(path, text.as_bytes());
        assert_eq!(windowed, whole, "{path}");
        compared += whole.len();
    }
    assert!(compared >= 300, "only {compared} matches compared");
}
