/* Links against the installed libbeamcore and computes a hash tree root. */
#include <beamcore/beamcore.h>
#include <stdio.h>

int main(void) {
  uint8_t checkpoint[40] = {0};
  uint8_t root[32];
  if (beam_hash_tree_root(BEAM_SSZ_CHECKPOINT, checkpoint, sizeof(checkpoint), root) != BEAM_OK) {
    fprintf(stderr, "hash_tree_root failed: %s\n", beam_last_error());
    return 1;
  }
  /* sha256(zero32 || zero32) = f5a5fd42... */
  if (root[0] != 0xf5 || root[1] != 0xa5) {
    fprintf(stderr, "unexpected root %02x%02x...\n", root[0], root[1]);
    return 1;
  }
  printf("consumer: libbeamcore %s ok\n", beam_version_string());
  return 0;
}
