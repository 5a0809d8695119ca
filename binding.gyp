{
  # node-gyp entry point: the addon is built with CMake (CMakeLists.txt) through cmake-js.
  "targets": [
    {
      "target_name": "neuroswipe",
      "type": "none",
      "actions": [
        {
          "action_name": "cmake_js_build",
          "inputs": ["CMakeLists.txt"],
          "outputs": ["<(module_root_dir)/build/cmake/Release/neuroswipe.node"],
          "action": ["node", "<(module_root_dir)/scripts/build-native.mjs"]
        }
      ]
    }
  ]
}
