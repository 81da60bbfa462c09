#include "api/engine.h"

namespace tidemark {

Engine::~Engine() = default;

} // namespace tidemark
