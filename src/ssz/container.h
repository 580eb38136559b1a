// SSZ containers by reflection: a struct lists its fields, in spec order, as
//
//   static constexpr auto kSszFields = std::make_tuple(
//       ssz::Field("slot", &Block::slot), ssz::Field("body", &Block::body));
//
// and gets encode/decode/hash_tree_root from `Ssz<T>`. Field names are the spec's
// snake_case names (tests map them to the fixtures' camelCase).
//
// One field may be "fixed-size with a length known only at run time" (kFixed && kSize
// == 0, e.g. an XMSS Signature whose size depends on the scheme); such a container has
// no variable fields and that field takes whatever the other fields leave.

#ifndef BEAMCORE_SSZ_CONTAINER_H_
#define BEAMCORE_SSZ_CONTAINER_H_

#include <array>
#include <cstddef>
#include <tuple>
#include <utility>

#include "ssz/codec.h"

namespace beam::ssz {

template <class C, class M>
struct FieldDesc {
  using Class = C;
  using Member = M;
  const char* name;
  M C::*ptr;
};

template <class C, class M>
constexpr FieldDesc<C, M> Field(const char* name, M C::*ptr) {
  return FieldDesc<C, M>{name, ptr};
}

template <class T>
concept SszContainer = requires { T::kSszFields; };

// Calls f(desc) for each field descriptor of T, in order.
template <SszContainer T, class F>
constexpr void ForEachField(F&& f) {
  std::apply([&](const auto&... desc) { (f(desc), ...); }, T::kSszFields);
}

template <SszContainer T>
struct Ssz<T> {
 private:
  template <class D>
  using MemberOf = typename std::remove_cvref_t<D>::Member;

  static constexpr size_t kNumFields = std::tuple_size_v<decltype(T::kSszFields)>;

  template <size_t... I>
  static constexpr bool AllFixed(std::index_sequence<I...>) {
    return (Ssz<MemberOf<std::tuple_element_t<I, decltype(T::kSszFields)>>>::kFixed && ...);
  }
  template <size_t... I>
  static constexpr size_t CountRuntimeSized(std::index_sequence<I...>) {
    return ((Ssz<MemberOf<std::tuple_element_t<I, decltype(T::kSszFields)>>>::kFixed &&
             Ssz<MemberOf<std::tuple_element_t<I, decltype(T::kSszFields)>>>::kSize == 0) +
            ... + 0);
  }
  // Bytes of the fixed part, counting variable fields as offsets and run-time-sized
  // fields as zero.
  template <size_t... I>
  static constexpr size_t FixedPartSize(std::index_sequence<I...>) {
    return ((Ssz<MemberOf<std::tuple_element_t<I, decltype(T::kSszFields)>>>::kFixed
                 ? Ssz<MemberOf<std::tuple_element_t<I, decltype(T::kSszFields)>>>::kSize
                 : kBytesPerLengthOffset) +
            ... + 0);
  }
  using Indices = std::make_index_sequence<kNumFields>;
  static constexpr size_t kRuntimeSized = CountRuntimeSized(Indices{});
  static constexpr size_t kFixedPart = FixedPartSize(Indices{});

 public:
  static constexpr bool kFixed = AllFixed(Indices{});
  static constexpr size_t kSize = (kFixed && kRuntimeSized == 0) ? kFixedPart : 0;
  static constexpr bool kBasic = false;
  static_assert(kRuntimeSized <= 1 && (kRuntimeSized == 0 || kFixed),
                "a run-time-sized field needs a container without variable fields");

  static size_t EncodedSize(const T& v) {
    if constexpr (kSize != 0) {
      return kSize;
    } else {
      size_t total = 0;
      ForEachField<T>([&](const auto& d) {
        using M = MemberOf<decltype(d)>;
        total += Ssz<M>::kFixed ? Ssz<M>::EncodedSize(v.*(d.ptr))
                                : kBytesPerLengthOffset + Ssz<M>::EncodedSize(v.*(d.ptr));
      });
      return total;
    }
  }

  static void Encode(const T& v, ByteVec& out) {
    const size_t start = out.size();
    std::array<size_t, kNumFields> offset_pos{};
    size_t i = 0;
    ForEachField<T>([&](const auto& d) {
      using M = MemberOf<decltype(d)>;
      if constexpr (Ssz<M>::kFixed) {
        Ssz<M>::Encode(v.*(d.ptr), out);
      } else {
        offset_pos[i] = out.size();
        out.resize(out.size() + kBytesPerLengthOffset);
      }
      ++i;
    });
    i = 0;
    ForEachField<T>([&](const auto& d) {
      using M = MemberOf<decltype(d)>;
      if constexpr (!Ssz<M>::kFixed) {
        WriteOffsetAt(out, offset_pos[i], out.size() - start);
        Ssz<M>::Encode(v.*(d.ptr), out);
      }
      ++i;
    });
  }

  static absl::Status Decode(ByteView in, T& out) {
    const size_t runtime_size = in.size() >= kFixedPart ? in.size() - kFixedPart : 0;
    if (in.size() < kFixedPart) {
      return DecodeError(absl::StrCat(TypeLabel(), ": ", in.size(),
                                      " bytes is shorter than the fixed part (", kFixedPart, ")"));
    }
    if constexpr (kFixed && kRuntimeSized == 0) {
      if (in.size() != kFixedPart) {
        return DecodeError(absl::StrCat(TypeLabel(), ": expected ", kFixedPart, " bytes, got ",
                                        in.size()));
      }
    }
    // Pass 1: fixed fields and the offsets of variable ones.
    std::array<uint32_t, kNumFields> offsets{};
    absl::Status status;
    size_t pos = 0;
    size_t i = 0;
    size_t last_offset = kFixedPart;
    bool first_variable = true;
    ForEachField<T>([&](const auto& d) {
      using M = MemberOf<decltype(d)>;
      if (status.ok()) {
        if constexpr (Ssz<M>::kFixed) {
          const size_t len = Ssz<M>::kSize != 0 ? Ssz<M>::kSize : runtime_size;
          status = Ssz<M>::Decode(in.subspan(pos, len), out.*(d.ptr));
          if (!status.ok()) status = Annotate(status, d.name);
          pos += len;
        } else {
          const uint32_t off = LoadLittleEndian<uint32_t>(in.data() + pos);
          pos += kBytesPerLengthOffset;
          if (first_variable && off != kFixedPart) {
            status = DecodeError(absl::StrCat(TypeLabel(), ".", d.name, ": first offset ", off,
                                              " != fixed part size ", kFixedPart));
          } else if (off < last_offset || off > in.size()) {
            status = DecodeError(absl::StrCat(TypeLabel(), ".", d.name, ": offset ", off,
                                              " out of range"));
          }
          first_variable = false;
          last_offset = off;
          offsets[i] = off;
        }
      }
      ++i;
    });
    if (!status.ok()) return status;
    // Pass 2: variable fields between consecutive offsets.
    i = 0;
    ForEachField<T>([&](const auto& d) {
      using M = MemberOf<decltype(d)>;
      if constexpr (!Ssz<M>::kFixed) {
        if (status.ok()) {
          const size_t begin = offsets[i];
          size_t end = in.size();
          for (size_t j = i + 1; j < kNumFields; ++j) {
            if (IsVariable(j)) {
              end = offsets[j];
              break;
            }
          }
          status = Ssz<M>::Decode(in.subspan(begin, end - begin), out.*(d.ptr));
          if (!status.ok()) status = Annotate(status, d.name);
        }
      }
      ++i;
    });
    return status;
  }

  static Root Hash(const T& v) {
    std::array<Root, kNumFields> roots;
    size_t i = 0;
    ForEachField<T>([&](const auto& d) {
      using M = MemberOf<decltype(d)>;
      roots[i++] = Ssz<M>::Hash(v.*(d.ptr));
    });
    return Merkleize(absl::Span<const Root>(roots.data(), kNumFields));
  }

  // All n containers at once: each field's roots in one batch, then every container's
  // field tree level by level.
  static void HashMany(const T* items, size_t n, Root* out) {
    constexpr size_t kLeaves = size_t{1} << CeilLog2Constexpr(kNumFields);
    std::vector<Root> leaves(n * kLeaves);
    std::vector<Root> field_roots(n);
    size_t f = 0;
    ForEachField<T>([&](const auto& d) {
      using M = MemberOf<decltype(d)>;
      std::vector<M> values;
      values.reserve(n);
      for (size_t i = 0; i < n; ++i) values.push_back(items[i].*(d.ptr));
      HashTreeRootMany(values.data(), n, field_roots.data());
      for (size_t i = 0; i < n; ++i) leaves[i * kLeaves + f] = field_roots[i];
      ++f;
    });
    HashTreesInPlace(leaves.data(), n, kLeaves, out);
  }

 private:
  static constexpr const char* TypeLabel() {
    if constexpr (requires { T::kSszName; }) {
      return T::kSszName;
    } else {
      return "container";
    }
  }
  static bool IsVariable(size_t index) {
    static const std::array<bool, kNumFields> kVariable = [] {
      std::array<bool, kNumFields> a{};
      size_t k = 0;
      ForEachField<T>([&](const auto& d) { a[k++] = !Ssz<MemberOf<decltype(d)>>::kFixed; });
      return a;
    }();
    return kVariable[index];
  }
  static absl::Status Annotate(const absl::Status& s, const char* field) {
    return absl::InvalidArgumentError(absl::StrCat(s.message(), " (in ", TypeLabel(), ".", field, ")"));
  }
};

}  // namespace beam::ssz

#endif  // BEAMCORE_SSZ_CONTAINER_H_
