// The application icon, drawn at any size: a stack of layer blocks on a dark tile. The same
// shapes as packaging/desktop/io.github.archscope.Studio.svg (the desktop entry's icon).
#pragma once

#include <QIcon>

namespace archscope::studio {

QIcon studio_icon();

}  // namespace archscope::studio
