//! Stable sorts that share one copy of the standard library's sort.
//!
//! Every `sort`/`sort_by_key` call site compiles its own copy of the standard sort for its
//! element type and key (2-4 KB of .wasm each). These helpers sort positions (`usize`) with
//! the comparison behind `dyn`, then move the items into that order: the .wasm carries one
//! sort, and each call site only a small closure and the move.

use std::cmp::Ordering;

/// The positions `0..len` in stable sorted order; `cmp` compares the items at two positions.
fn positions(len: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

/// As `slice::sort_by` (stable).
pub fn sort_by<T>(items: &mut Vec<T>, mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let order = positions(items.len(), &mut |a, b| cmp(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.into_iter().filter_map(|i| slots[i].take()));
}

/// As `slice::sort_by_key` (stable; the key is computed per comparison, as there).
pub fn sort_by_key<T, K: Ord>(items: &mut Vec<T>, mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// As `slice::sort` (stable).
pub fn sort<T: Ord>(items: &mut Vec<T>) {
    sort_by(items, T::cmp);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably_like_the_standard_sort() {
        let mut seed = 7u64;
        for len in [0, 1, 2, 3, 17, 64, 500] {
            let items: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    ((seed >> 60) as u8, i)
                })
                .collect();
            let mut ours = items.clone();
            sort_by_key(&mut ours, |x| x.0);
            let mut std_sorted = items.clone();
            std_sorted.sort_by_key(|x| x.0);
            assert_eq!(ours, std_sorted, "len {len}");
            let mut all = items.clone();
            sort(&mut all);
            let mut std_all = items;
            std_all.sort();
            assert_eq!(all, std_all);
        }
    }
}
