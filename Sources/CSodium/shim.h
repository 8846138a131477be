// libsodium (Debian: libsodium-dev). Only the Sodium module imports this.
#include <sodium.h>
