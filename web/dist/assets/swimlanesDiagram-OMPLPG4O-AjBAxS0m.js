import{r as e,t}from"./chunk-QB3YPZ4I-Ck7PscV2.js";import"./chunk-TU62E6Q5-BbBlm0_8.js";import"./mermaid.core-BimRbVsR.js";import"./chunk-HFQBQIA3-Dq5l0-Gz.js";import"./chunk-M57EVK23-DS_nEBAT.js";import"./chunk-DQASFODM-CoNdZj5I.js";import"./chunk-LEVMRMFU-DWdiOpjv.js";import"./chunk-AXFCVDMN-DTiKw-ID.js";import"./chunk-X4PVCEUW-MHmRxNja.js";import"./chunk-STOXU5M4-CDQaj0-r.js";import"./chunk-R3KSYZAL-D_IwZA8Y.js";import"./chunk-6MUBBAK2-DKXn5SmW.js";import"./chunk-BG4553SI-BLdHXoEM.js";import"./d3-selection-9EYFol1D.js";import{n}from"./chunk-Y2CYZVJY-DsF7k-Jl.js";var r=t({styles:n(t=>`${e(t)}
  .swimlane.cluster:not([data-color-id]) rect {
    stroke: ${t.clusterBorder} !important;
  }
  [data-look="neo"].cluster rect {
    filter: none;
  }
`,`getStyles`)});export{r as diagram};