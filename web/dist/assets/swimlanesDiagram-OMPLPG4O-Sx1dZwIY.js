import{r as e,t}from"./chunk-QB3YPZ4I-DoJCg4Rl.js";import"./chunk-TU62E6Q5-DJkSyYAx.js";import"./mermaid.core-CJwN5tGo.js";import"./chunk-HFQBQIA3-km_-iYiX.js";import"./chunk-M57EVK23-DHy7vtbr.js";import"./chunk-DQASFODM-DF6gTCPh.js";import"./chunk-LEVMRMFU-BrUiNe5K.js";import"./chunk-AXFCVDMN-Bhzx__Fj.js";import"./chunk-X4PVCEUW-B7CxJeoP.js";import"./chunk-STOXU5M4-iLAeluwJ.js";import"./chunk-R3KSYZAL-Z2fy4b92.js";import"./chunk-6MUBBAK2-Ca1eK4hM.js";import"./chunk-BG4553SI-BVSGOhW6.js";import"./d3-selection-BQcpTCKL.js";import{n}from"./chunk-Y2CYZVJY-DsF7k-Jl.js";var r=t({styles:n(t=>`${e(t)}
  .swimlane.cluster:not([data-color-id]) rect {
    stroke: ${t.clusterBorder} !important;
  }
  [data-look="neo"].cluster rect {
    filter: none;
  }
`,`getStyles`)});export{r as diagram};