// The table of a build without the web UI (PW_WEB=OFF): `/` then answers the landing page.
#include "planwatch/http/web_assets.h"

namespace planwatch::http {

std::span<const WebAsset> EmbeddedWebAssets() { return {}; }

}  // namespace planwatch::http
