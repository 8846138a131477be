// The parts of libsecp256k1 (Debian: libsecp256k1-dev) that Sigil uses. Only the Secp256k1 module imports this.
#include <secp256k1.h>
