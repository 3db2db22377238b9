import{r as e,t}from"./chunk-QB3YPZ4I-d83dtuNE.js";import"./chunk-TU62E6Q5-CrKab-pI.js";import"./mermaid.core-Vqegj4Bh.js";import"./chunk-HFQBQIA3-BGhh8U4f.js";import"./chunk-M57EVK23-CBcsw1_I.js";import"./chunk-DQASFODM-BAQQv6ms.js";import"./chunk-LEVMRMFU-D4DxxNjo.js";import"./chunk-AXFCVDMN-BkIeE4oG.js";import"./chunk-X4PVCEUW-DlagKgBh.js";import"./chunk-STOXU5M4-BDQC3Vhp.js";import"./chunk-R3KSYZAL-B1R6rr2x.js";import"./chunk-6MUBBAK2-DiUNufYt.js";import"./chunk-BG4553SI-BN2Ch_OH.js";import"./d3-selection-CKnM8ZnH.js";import{n}from"./chunk-Y2CYZVJY-DsF7k-Jl.js";var r=t({styles:n(t=>`${e(t)}
  .swimlane.cluster:not([data-color-id]) rect {
    stroke: ${t.clusterBorder} !important;
  }
  [data-look="neo"].cluster rect {
    filter: none;
  }
`,`getStyles`)});export{r as diagram};