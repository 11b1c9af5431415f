package com.posegate.core

/**
 * Remembers which configuration (model and options) is loaded or being loaded,
 * so that choosing it again does nothing, while a load that failed is forgotten,
 * so that choosing the same configuration again retries it.
 *
 * Not thread-safe: use it from one thread (the app's UI thread).
 */
class LoadTracker<C : Any> {
    /** The configuration loaded or being loaded; null before the first load and after a failure. */
    var current: C? = null
        private set

    /** Returns true when [config] must be loaded now (it is not current), and makes it current. */
    fun begin(config: C): Boolean {
        if (config == current) return false
        current = config
        return true
    }

    /** The load of [config] failed: forget it, unless another configuration was chosen meanwhile. */
    fun failed(config: C) {
        if (config == current) current = null
    }
}
