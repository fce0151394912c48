{
  "targets": [
    {
      "target_name": "session_lens_native",
      "sources": ["binding.c", "engine.c", "engine-avx512.c", "engine-avx2.c"],
      "cflags": ["-O3", "-std=gnu11", "-fno-strict-aliasing"],
      "cflags!": ["-O2"],
      "xcode_settings": { "OTHER_CFLAGS": ["-O3"] },
      "msvs_settings": { "VCCLCompilerTool": { "Optimization": 2 } }
    }
  ]
}
