// The seed's selection of a swipe's best words: a Python heapq of (-dtw, word) bounded to k entries, replacing
// the worst only on a strictly smaller distance. Its sift operations (_siftdown/_siftup) are replayed exactly,
// so that ties come out in the seed's order.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace neuroswipe {

/** A kept candidate as heapq holds it: (-dtw, word), words compared by their code-point rank. */
struct TopKEntry {
  double neg;  // -dtw
  uint32_t rank;
  int32_t word;
};

/** heapq's tuple order: -dtw first, then the word's rank. */
inline bool HeapLess(const TopKEntry& a, const TopKEntry& b) {
  if (a.neg != b.neg) return a.neg < b.neg;
  return a.rank < b.rank;
}

/** Python heapq's bounded selection of the k smallest distances (heappush, then heapreplace when full). */
class HeapqTopK {
 public:
  explicit HeapqTopK(uint32_t k) : k_(k) { heap_.reserve(k); }

  bool Full() const { return heap_.size() >= k_; }
  double Worst() const { return -heap_[0].neg; }

  void Offer(double dtw, uint32_t rank, int32_t word) {
    if (heap_.size() < k_) {
      heap_.push_back({-dtw, rank, word});
      SiftDown(0, heap_.size() - 1);
    } else if (k_ > 0 && dtw < -heap_[0].neg) {
      heap_[0] = {-dtw, rank, word};
      SiftUp(0);
    }
  }

  // Ascending distance, stable over the heap's array order.
  std::vector<TopKEntry> Result() const {
    std::vector<TopKEntry> out = heap_;
    std::stable_sort(out.begin(), out.end(), [](const TopKEntry& a, const TopKEntry& b) { return -a.neg < -b.neg; });
    return out;
  }

 private:
  void SiftDown(size_t startpos, size_t pos) {
    TopKEntry item = heap_[pos];
    while (pos > startpos) {
      size_t parentpos = (pos - 1) >> 1;
      if (HeapLess(item, heap_[parentpos])) {
        heap_[pos] = heap_[parentpos];
        pos = parentpos;
        continue;
      }
      break;
    }
    heap_[pos] = item;
  }

  void SiftUp(size_t pos) {
    size_t endpos = heap_.size();
    size_t startpos = pos;
    TopKEntry item = heap_[pos];
    size_t childpos = 2 * pos + 1;
    while (childpos < endpos) {
      size_t rightpos = childpos + 1;
      if (rightpos < endpos && !HeapLess(heap_[childpos], heap_[rightpos])) childpos = rightpos;
      heap_[pos] = heap_[childpos];
      pos = childpos;
      childpos = 2 * pos + 1;
    }
    heap_[pos] = item;
    SiftDown(startpos, pos);
  }

  uint32_t k_;
  std::vector<TopKEntry> heap_;
};

}  // namespace neuroswipe
