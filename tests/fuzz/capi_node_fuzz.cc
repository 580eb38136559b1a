// The C ABI as a careless or hostile host drives it: a byte-driven interpreter that
// calls beam_node_* entry points in fuzzed order with fuzzed arguments — gossip on
// every topic, requests, response chunks and ends for request ids that exist and that
// do not, peer connect/disconnect, ticks (also backwards), block production at any
// slot with any proposer, attestation data, state borrows, reads, and beam_api_handle
// with fuzzed method, path and body. The node runs inline (no chain worker) so a
// run is deterministic; its own produced blocks give the fuzzer a real chain to poke.
//
// Properties: no crash, leak or sanitizer report; every call returns BEAM_OK or one
// of the documented codes, and a failed call leaves a message in beam_last_error();
// fork choice stays ordered (finalized slot <= justified slot); a request the node
// accepts is ended exactly once, before the call returns.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "beamcore/beamcore.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

constexpr size_t kValidators = 4;

// Reads the input as a stream of operations and their arguments; past the end every
// read yields zeros (so the last operation still runs, with small arguments).
class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool done() const { return pos_ >= size_; }
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint64_t Small() { return Byte(); }
  uint64_t Word() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = v << 8 | Byte();
    return v;
  }
  // A length-prefixed chunk (2-byte length), up to what is left.
  std::vector<uint8_t> Chunk() {
    size_t len = static_cast<size_t>(Byte()) << 8;
    len |= Byte();
    len = std::min(len, size_ - std::min(pos_, size_));
    std::vector<uint8_t> out(data_ + pos_, data_ + pos_ + len);
    pos_ += len;
    return out;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

struct Host {
  std::vector<uint64_t> sent_requests;              // ids the node asked peers
  std::map<uint64_t, int> response_ends;            // our request id -> ends seen
  std::vector<std::vector<uint8_t>> published;      // gossip the node published
};

void OnPublish(beam_topic_kind, const uint8_t* ssz, size_t len, void* user) {
  auto* host = static_cast<Host*>(user);
  if (host->published.size() < 64) host->published.emplace_back(ssz, ssz + len);
}
void OnSendRequest(const char*, beam_req_protocol, const uint8_t*, size_t, uint64_t id, void* user) {
  static_cast<Host*>(user)->sent_requests.push_back(id);
}
void OnChunk(uint64_t, const uint8_t*, size_t, void*) {}
void OnEnd(uint64_t id, int32_t, void* user) { static_cast<Host*>(user)->response_ends[id]++; }
void OnReport(const char* peer, beam_peer_action, const char* reason, void*) {
  BEAM_FUZZ_CHECK(peer != nullptr && reason != nullptr && reason[0] != '\0', "a peer report without peer or reason");
}
void OnRequestBlock(const uint8_t*, void*) {}

// Every status is OK or a documented error, and a failure explains itself.
void Check(beam_status s) {
  BEAM_FUZZ_CHECK(s == BEAM_OK || (s <= BEAM_ERR_INVALID_ARGUMENT && s >= BEAM_ERR_INTERNAL),
                  "an undocumented status code");
  if (s != BEAM_OK) BEAM_FUZZ_CHECK(beam_last_error()[0] != '\0', "a failed call left no message");
}

const char* Peer(Reader& in) {
  static const char* const kPeers[] = {"peer-a", "peer-b", "peer-c", nullptr};
  return kPeers[in.Byte() % 4];
}

const beam_topic_kind kTopics[] = {BEAM_TOPIC_BLOCK, BEAM_TOPIC_ATTESTATION, BEAM_TOPIC_AGGREGATE};
const beam_req_protocol kProtocols[] = {BEAM_REQ_STATUS, BEAM_REQ_BLOCKS_BY_ROOT, BEAM_REQ_BLOCKS_BY_RANGE};

void ApiCall(beam_node* node, Reader& in) {
  static const char* const kMethods[] = {"GET", "HEAD", "POST", "PUT", "get", ""};
  static const char* const kPaths[] = {"/lean/v0/health",        "/lean/v0/states/finalized",
                                       "/lean/v0/blocks/finalized", "/lean/v0/checkpoints/justified",
                                       "/lean/v0/fork_choice",   "/lean/v0/admin/aggregator",
                                       "/metrics",               "/lean/v0/"};
  std::string path = kPaths[in.Byte() % 8];
  const std::vector<uint8_t> suffix = in.Chunk();
  path.append(suffix.begin(), suffix.end());
  path.erase(std::find(path.begin(), path.end(), '\0'), path.end());  // a C string
  const std::vector<uint8_t> body = in.Chunk();
  beam_api_response response = BEAM_API_RESPONSE_INIT;
  beam_status s = beam_api_handle(node, kMethods[in.Byte() % 6], path.c_str(), body.data(), body.size(), &response);
  Check(s);
  if (s == BEAM_OK) {
    BEAM_FUZZ_CHECK(response.status_code >= 200 && response.status_code < 600, "an HTTP status out of range");
  }
  beam_api_response_free(&response);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader in(data, size);
  Host host;
  beam_buffer genesis = {nullptr, 0};
  if (beam_genesis_state(0, nullptr, nullptr, kValidators, &genesis) != BEAM_OK) std::abort();
  const uint64_t validators[kValidators] = {0, 1, 2, 3};
  beam_network_vtable network = BEAM_NETWORK_VTABLE_INIT;
  network.user_data = &host;
  network.publish_gossip = OnPublish;
  network.send_request = OnSendRequest;
  network.send_response_chunk = OnChunk;
  network.send_response_end = OnEnd;
  network.report_peer = OnReport;
  network.request_block = OnRequestBlock;
  beam_node_config config = BEAM_NODE_CONFIG_INIT;
  config.anchor_state_ssz = genesis.data;
  config.anchor_state_len = genesis.len;
  config.validator_indices = validators;
  config.validator_count = in.Byte() % 2 ? kValidators : 0;
  config.is_aggregator = in.Byte() % 2;
  config.chain_worker = 0;
  config.network = &network;
  beam_node* node = nullptr;
  if (beam_node_create(&config, &node) != BEAM_OK) std::abort();
  beam_buffer_free(&genesis);

  uint64_t interval = 0;
  uint64_t next_request_id = 1;
  for (int ops = 0; !in.done() && ops < 256; ++ops) {
    switch (in.Byte() % 13) {
      case 0:  // time moves, mostly forward
        interval = in.Byte() % 8 == 0 ? in.Small() : interval + in.Small() % 16;
        Check(beam_node_tick(node, interval));
        break;
      case 1: {  // gossip from a peer, any bytes
        const beam_topic_kind kind = kTopics[in.Byte() % 3];
        const char* peer = Peer(in);
        const std::vector<uint8_t> ssz = in.Chunk();
        Check(beam_node_on_gossip(node, kind, ssz.data(), ssz.size(), peer));
        break;
      }
      case 2: {  // gossip replayed from what the node published (valid), maybe to the wrong topic
        if (host.published.empty()) break;
        const std::vector<uint8_t>& msg = host.published[in.Byte() % host.published.size()];
        Check(beam_node_on_gossip(node, kTopics[in.Byte() % 3], msg.data(), msg.size(), Peer(in)));
        break;
      }
      case 3:
        Check(beam_node_peer_connected(node, Peer(in)));
        break;
      case 4:
        Check(beam_node_peer_disconnected(node, Peer(in)));
        break;
      case 5: {  // a request from a peer: answered before the call returns, ended once
        const char* peer = Peer(in);
        const beam_req_protocol protocol = kProtocols[in.Byte() % 3];
        const std::vector<uint8_t> ssz = in.Chunk();
        const uint64_t id = next_request_id++;
        const beam_status s = beam_node_on_request(node, peer, protocol, ssz.data(), ssz.size(), id);
        Check(s);
        if (s == BEAM_OK) {
          BEAM_FUZZ_CHECK(host.response_ends[id] == 1, "an accepted request was not ended exactly once");
        }
        break;
      }
      case 6: {  // a response chunk for one of the node's requests, or for none
        const uint64_t id = !host.sent_requests.empty() && in.Byte() % 4 != 0
                                ? host.sent_requests[in.Byte() % host.sent_requests.size()]
                                : in.Word();
        const std::vector<uint8_t> ssz = in.Chunk();
        Check(beam_node_on_response_chunk(node, id, ssz.data(), ssz.size()));
        break;
      }
      case 7: {
        const uint64_t id = !host.sent_requests.empty() && in.Byte() % 4 != 0
                                ? host.sent_requests[in.Byte() % host.sent_requests.size()]
                                : in.Word();
        Check(beam_node_on_response_end(node, id, static_cast<int8_t>(in.Byte())));
        break;
      }
      case 8: {  // produce: the slot's proposer or anyone, at the clock's slot or any
        const uint64_t slot = in.Byte() % 4 == 0 ? in.Small() : interval / 5 + in.Small() % 3;
        const uint64_t proposer = in.Byte() % 4 == 0 ? in.Small() : slot % kValidators;
        beam_buffer block = {nullptr, 0};
        beam_status s = beam_node_produce_block(node, slot, proposer, &block);
        Check(s);
        if (s == BEAM_OK && host.published.size() < 64) host.published.emplace_back(block.data, block.data + block.len);
        beam_buffer_free(&block);
        interval = std::max(interval, slot * 5);
        break;
      }
      case 9: {
        beam_buffer vote = {nullptr, 0};
        Check(beam_node_produce_attestation_data(node, in.Small(), &vote));
        beam_buffer_free(&vote);
        break;
      }
      case 10: {  // borrows: head, finalized, by a fuzzed or the head's root
        beam_state_borrow* borrow = nullptr;
        beam_status s = BEAM_OK;
        switch (in.Byte() % 3) {
          case 0: s = beam_state_borrow_head(node, &borrow); break;
          case 1: s = beam_state_borrow_finalized(node, &borrow); break;
          default: {
            uint8_t root[32] = {};
            beam_checkpoint head;
            if (in.Byte() % 2 && beam_node_head(node, &head) == BEAM_OK) std::memcpy(root, head.root, 32);
            else for (uint8_t& b : root) b = in.Byte();
            s = beam_state_borrow_by_root(node, root, &borrow);
          }
        }
        Check(s);
        if (s == BEAM_OK) {
          uint64_t slot = 0;
          Check(beam_state_borrow_slot(borrow, &slot));
          beam_buffer bytes = {nullptr, 0};
          if (in.Byte() % 4 == 0) Check(beam_state_borrow_serialize(borrow, &bytes));
          beam_buffer_free(&bytes);
        }
        beam_state_borrow_release(borrow);
        break;
      }
      case 11:
        ApiCall(node, in);
        break;
      case 12: {  // reads
        beam_checkpoint head, justified, finalized;
        Check(beam_node_head(node, &head));
        Check(beam_node_justified(node, &justified));
        Check(beam_node_finalized(node, &finalized));
        BEAM_FUZZ_CHECK(finalized.slot <= justified.slot, "finalized above justified");
        beam_buffer metrics = {nullptr, 0};
        Check(beam_node_metrics_text(node, &metrics));
        beam_buffer_free(&metrics);
        beam_node_health health = BEAM_NODE_HEALTH_INIT;
        Check(beam_node_health_get(node, &health));
        BEAM_FUZZ_CHECK(!health.storage_failed, "memory storage reported a failure");
        break;
      }
    }
  }
  for (const auto& [id, ends] : host.response_ends) {
    BEAM_FUZZ_CHECK(ends <= 1, "a request answered with more than one end");
  }
  beam_node_destroy(node);
  return 0;
}
